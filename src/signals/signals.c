/* signals.c — the public face of the rules: kind codes, default settings,
 * and the active signals and lapse reasons over the store, loading the
 * registry once per question or once for many (ib_signal_data). */
#include "signals/sig_internal.h"

#include <stdlib.h>
#include <string.h>

const ib_code_name ib_signal_kind_codes[] = {
    {IB_SIG_NOT_REGISTERED, "not_registered"},
    {IB_SIG_OVERCROWDED, "overcrowded"},
    {IB_SIG_JOB_AND_BED, "job_and_bed"},
    {IB_SIG_ONE_YEAR_OFFER, "one_year_offer"},
    {IB_SIG_INFORMATION_MOMENT, "information_moment"},
    {IB_SIG_NO_ADDRESS, "no_address"},
    {0, NULL}};

void ib_signal_settings_default(ib_signal_settings *s)
{
    s->registration_months = 4;
    s->min_area_m2 = 1200;
    s->job_loss_days = 30;
    s->offer_months = 12;
    s->information_days = 90;
    s->address_days = 30;
}

void ib_signal_list_free(ib_signal_list *l)
{
    if (!l)
        return;
    free(l->v);
    memset(l, 0, sizeof *l);
}

struct ib_signal_data {
    sig_data d;
};

int ib_signal_data_load(ib_store *st, ib_signal_data **out, ib_err *err)
{
    *out = NULL;
    ib_signal_data *x = calloc(1, sizeof *x);
    if (!x)
        return ib_err_set(err, IB_ENOMEM, "geheugen vol bij het laden van de signalen");
    int rc = sig_data_load(st, &x->d, err);
    if (rc) {
        free(x);
        return rc;
    }
    *out = x;
    return IB_OK;
}

void ib_signal_data_free(ib_signal_data *d)
{
    if (!d)
        return;
    sig_data_free(&d->d);
    free(d);
}

int ib_signal_data_active(const ib_signal_data *d, ib_date at,
                          const ib_signal_settings *s, ib_signal_list *out,
                          ib_err *err)
{
    return sig_evaluate(&d->d, at, s, out, err);
}

int ib_signal_data_ended_why(const ib_signal_data *d, const ib_active_signal *was,
                             ib_date at, const ib_signal_settings *s,
                             char *nl, size_t nl_len, char *en, size_t en_len,
                             ib_err *err)
{
    return sig_ended_why(&d->d, was, at, s, nl, nl_len, en, en_len, err);
}

int ib_signals_active(ib_store *st, ib_date at, const ib_signal_settings *s,
                      ib_signal_list *out, ib_err *err)
{
    memset(out, 0, sizeof *out);
    int rc = sig_settings_check(s, err);
    if (rc)
        return rc;
    ib_signal_data *d;
    if ((rc = ib_signal_data_load(st, &d, err)) != IB_OK)
        return rc;
    rc = ib_signal_data_active(d, at, s, out, err);
    ib_signal_data_free(d);
    return rc;
}

int ib_signal_ended_why(ib_store *st, const ib_active_signal *was, ib_date at,
                        const ib_signal_settings *s, char *nl, size_t nl_len,
                        char *en, size_t en_len, ib_err *err)
{
    int rc = sig_settings_check(s, err);
    if (rc)
        return rc;
    ib_signal_data *d;
    if ((rc = ib_signal_data_load(st, &d, err)) != IB_OK)
        return rc;
    rc = ib_signal_data_ended_why(d, was, at, s, nl, nl_len, en, en_len, err);
    ib_signal_data_free(d);
    return rc;
}
