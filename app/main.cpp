#include "app/cli/Launcher.h"

int main(int argc, char** argv)
{
    return kvlab::launch(argc, argv);
}
