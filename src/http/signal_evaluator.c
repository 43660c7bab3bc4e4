/* signal_evaluator.c — the server keeps the inbox in step with the
 * registry (docs/inbox.md "When signals are evaluated"): a thread with a
 * connection of its own evaluates the rules at the start, whenever the data
 * version or the settings changed since the last evaluation (it looks
 * every POLL_MS, and at once when poked after a delivery or a change of
 * settings), and every night at NIGHTLY_HOUR local time (the day moves on:
 * conditions begin and end by the calendar alone). One evaluation at a
 * time: an evaluation on demand (POST /api/v1/signals/evaluations) waits
 * for the thread's. The model is checkpointer.c. */
#include "http/http_internal.h"
#include "signals/signals.h"

#include <stdarg.h>
#include <stdlib.h>
#include <time.h>

#define POLL_MS 2000
#define RETRY_MS 60000                /* after a failed evaluation */
#define NIGHTLY_HOUR 2

struct ib_signal_evaluator {
    ib_store *st;
    pthread_t thread;
    pthread_mutex_t lock;           /* stopping, poked */
    pthread_cond_t wake;
    bool stopping, poked;
    pthread_mutex_t run;            /* one evaluation at a time */
    FILE *log;
    pthread_mutex_t *log_lock;
};

__attribute__((format(printf, 2, 3))) static void say(ib_signal_evaluator *e,
                                                      const char *fmt, ...)
{
    if (!e->log)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(e->log_lock);
    fprintf(e->log, "inbeeld serve: signalen: %s\n", line);
    fflush(e->log);
    pthread_mutex_unlock(e->log_lock);
}

/* The next NIGHTLY_HOUR:00 local time after now, in Unix seconds. */
static time_t next_night(time_t now)
{
    struct tm tm;
    localtime_r(&now, &tm);
    tm.tm_hour = NIGHTLY_HOUR;
    tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    time_t t = mktime(&tm);
    if (t <= now) {
        tm.tm_mday += 1;
        tm.tm_hour = NIGHTLY_HOUR;
        tm.tm_min = tm.tm_sec = 0;
        tm.tm_isdst = -1;
        t = mktime(&tm);
    }
    return t;
}

int ib_signal_evaluator_run(ib_signal_evaluator *e, ib_store *st, ib_date at,
                            const char *actor, ib_inbox_report *rep, ib_err *err)
{
    if (e)
        pthread_mutex_lock(&e->run);
    int rc = ib_inbox_evaluate(st, at, actor, rep, err);
    if (e)
        pthread_mutex_unlock(&e->run);
    return rc;
}

/* Evaluates today when forced or when due; false when it failed. */
static bool evaluate(ib_signal_evaluator *e, bool forced, const char *why)
{
    ib_err err;
    ib_date today = ib_date_today();
    bool due = true;
    if (!forced && ib_inbox_evaluation_due(e->st, today, &due, &err) != IB_OK) {
        say(e, "kan niet nagaan of een evaluatie nodig is: %s", err.msg);
        return false;
    }
    if (!due)
        return true;
    ib_inbox_report rep;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (ib_signal_evaluator_run(e, e->st, today, "server", &rep, &err) != IB_OK) {
        say(e, "evaluatie (%s) mislukt: %s", why, err.msg);
        return false;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    char day[IB_DATE_STRLEN];
    say(e, "evaluatie (%s) op %s: %lld actief, %lld nieuw, %lld vervallen, %lld heropend, "
           "%lld bijgewerkt in %.2f s", why, ib_date_format(today, day),
        (long long)rep.found, (long long)rep.opened, (long long)rep.lapsed,
        (long long)rep.reopened, (long long)(rep.updated + rep.moved),
        (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    return true;
}

static void *evaluator_main(void *arg)
{
    ib_signal_evaluator *e = arg;
    bool ok = evaluate(e, true, "start");
    time_t night = next_night(time(NULL));
    pthread_mutex_lock(&e->lock);
    while (!e->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        long ms = ok ? POLL_MS : RETRY_MS;
        time_t left = night - until.tv_sec;
        if (left >= 0 && left * 1000 < ms)
            ms = (long)left * 1000;
        until.tv_sec += ms / 1000;
        until.tv_nsec += (ms % 1000) * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        if (!e->poked)
            pthread_cond_timedwait(&e->wake, &e->lock, &until);
        if (e->stopping)
            break;
        bool poked = e->poked;
        e->poked = false;
        pthread_mutex_unlock(&e->lock);
        time_t now = time(NULL);
        if (now >= night) {
            ok = evaluate(e, true, "nacht");
            night = next_night(now);
        } else if (ok || poked) {
            ok = evaluate(e, false, poked ? "na wijziging" : "gegevens gewijzigd");
        } else {
            ok = evaluate(e, false, "nieuwe poging");
        }
        pthread_mutex_lock(&e->lock);
    }
    pthread_mutex_unlock(&e->lock);
    return NULL;
}

int ib_signal_evaluator_start(ib_signal_evaluator **out, ib_store *st, FILE *log,
                              pthread_mutex_t *log_lock, ib_err *err)
{
    *out = NULL;
    ib_signal_evaluator *e = calloc(1, sizeof *e);
    if (!e)
        return ib_err_set(err, IB_ENOMEM, "onvoldoende geheugen");
    e->st = st;
    e->log = log_lock ? log : NULL;
    e->log_lock = log_lock;
    pthread_mutex_init(&e->lock, NULL);
    pthread_mutex_init(&e->run, NULL);
    pthread_cond_init(&e->wake, NULL);
    if (pthread_create(&e->thread, NULL, evaluator_main, e) != 0) {
        pthread_mutex_destroy(&e->lock);
        pthread_mutex_destroy(&e->run);
        pthread_cond_destroy(&e->wake);
        free(e);
        return ib_err_set(err, IB_ENOMEM, "kan de draad van de signalen niet starten");
    }
    *out = e;
    return IB_OK;
}

void ib_signal_evaluator_poke(ib_signal_evaluator *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&e->lock);
    e->poked = true;
    pthread_cond_signal(&e->wake);
    pthread_mutex_unlock(&e->lock);
}

void ib_signal_evaluator_stop(ib_signal_evaluator *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&e->lock);
    e->stopping = true;
    pthread_cond_signal(&e->wake);
    pthread_mutex_unlock(&e->lock);
    pthread_join(e->thread, NULL);
    pthread_mutex_destroy(&e->lock);
    pthread_mutex_destroy(&e->run);
    pthread_cond_destroy(&e->wake);
    free(e);
}
