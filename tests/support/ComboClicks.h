#pragma once

#include <QAbstractItemView>
#include <QComboBox>
#include <QtTest>

namespace kvtest {

// Opens `box`'s popup and clicks `row` in it, as a user does.
inline void clickComboRow(QComboBox* box, int row)
{
    box->showPopup();
    QAbstractItemView* view = box->view();
    QTRY_VERIFY(view->isVisible());
    const QModelIndex index = box->model()->index(row, 0);
    view->scrollTo(index);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(index).center());
}

} // namespace kvtest
