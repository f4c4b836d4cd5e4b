#ifndef PHONEBULK_STORE_POSTGRES_STATUS_MACROS_H_
#define PHONEBULK_STORE_POSTGRES_STATUS_MACROS_H_

// Kept for the files that still include this path (the work-queue file is
// being changed elsewhere); the macros are store/status_macros.h's.
#include "store/status_macros.h"

#endif  // PHONEBULK_STORE_POSTGRES_STATUS_MACROS_H_
