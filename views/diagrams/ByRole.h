#pragma once

#include "views/diagrams/MatrixSpec.h"

#include <array>
#include <cstddef>

namespace kvlab {

// One T for each matrix role of a pane (Q, Kᵀ, scores, weights, V, output),
// addressed by role, never by position: whoever fills it, in whatever order,
// `items[Role::Values]` is the values' entry. Iterates in reading order
// (Q · Kᵀ = scores, weights · V = output).
template <typename T>
class ByRole {
public:
    using Role = MatrixSpec::Role;
    static constexpr std::array<Role, 6> kRoles{Role::Queries, Role::KeysT, Role::Scores,
                                                Role::Weights, Role::Values, Role::Output};

    T& operator[](Role role) { return m_items[slot(role)]; }
    const T& operator[](Role role) const { return m_items[slot(role)]; }

    auto begin() { return m_items.begin(); }
    auto end() { return m_items.end(); }
    auto begin() const { return m_items.begin(); }
    auto end() const { return m_items.end(); }
    static constexpr std::size_t size() { return kRoles.size(); }

private:
    static constexpr std::size_t slot(Role role)
    {
        for (std::size_t i = 0; i < kRoles.size(); ++i)
            if (kRoles[i] == role)
                return i;
        return kRoles.size(); // unreachable: every role has a slot
    }

    std::array<T, 6> m_items{};
};

} // namespace kvlab
