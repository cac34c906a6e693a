/*
 * hosttest.h - what the host-kernel tests share: a fresh host kernel before
 * each test, and "nothing leaked, nothing reported" after it.  Include
 * after <cmocka.h>.
 */
#ifndef HOSTTEST_H
#define HOSTTEST_H

#include <nkhost.h>

static int Setup(void **state)
{
    (void)state;
    NkHostReset();
    return 0;
}

static int TeardownNoLeaks(void **state)
{
    (void)state;
    assert_int_equal(NkHostCheckLeaks(), 0);
    assert_int_equal(NkHostViolationCount(), 0);
    return 0;
}

#endif
