/* Functions declared in TH.h whose implementation has not landed yet: each reports
 * TH_ERR_NOTIMPL. An entry is deleted when its real implementation lands; the
 * file goes away when it is empty. */
#include "THGeneral.h"


