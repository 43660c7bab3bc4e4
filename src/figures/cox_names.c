/* cox_names.c — the covariate names of a Cox model as the CLI's
 * --covariates and the API's covariates= give them, one rule for both. */
#include "figures/figures.h"

#include <stdlib.h>
#include <string.h>

/* SEO's binding factors and the EU/non-EU split: the model without a list. */
static const char *const default_covariates[] = {
    "employed", "permanent", "agency", "income_130", "partner", "children",
    "home_owner", "eu"};

static int split_list(const char *list, char **names, size_t *n, ib_err *err)
{
    for (const char *s = list;; s++) {
        size_t len = strcspn(s, ",");
        if (len == 0 || *n == IB_MO_COVARIATES_MAX)
            return ib_err_set(err, IB_EINVAL, "covariaten: 1 tot %d namen, "
                              "gescheiden door komma's", IB_MO_COVARIATES_MAX);
        if (!(names[(*n)++] = strndup(s, len)))
            return ib_err_set(err, IB_ENOMEM, "geheugen vol");
        s += len;
        if (!*s)
            return IB_OK;
    }
}

static int add_dummies(const ib_mdata *d, const ib_msurv_opts *so, ib_group by,
                       char **names, size_t *n, char ref[IB_MLABEL_MAX], ib_err *err)
{
    char **dum = NULL;
    size_t nd = 0;
    int rc = ib_monitor_group_dummies(d, so, by, &dum, &nd, ref, err);
    for (size_t i = 0; i < nd; i++) {
        if (!rc && *n == IB_MO_COVARIATES_MAX)
            rc = ib_err_set(err, IB_EINVAL, "te veel groepen voor het model (by)");
        if (!rc)
            names[(*n)++] = dum[i];
        else
            free(dum[i]);
    }
    free(dum);
    return rc;
}

int ib_mo_cox_names(const ib_mdata *d, const ib_msurv_opts *so, const char *list,
                    ib_group by, char **names, size_t *n, char ref[IB_MLABEL_MAX],
                    ib_err *err)
{
    *n = 0;
    int rc = IB_OK;
    if (list)
        rc = split_list(list, names, n, err);
    for (size_t i = 0; !list && i < sizeof default_covariates / sizeof *default_covariates; i++)
        if (!(names[(*n)++] = strdup(default_covariates[i])))
            rc = ib_err_set(err, IB_ENOMEM, "geheugen vol");
    if (!rc && by != IB_GROUP_ALL)
        rc = add_dummies(d, so, by, names, n, ref, err);
    return rc;
}
