/* contacts.c — the demo's contact moments (contacts.csv): what the
 * municipality's information point records about the persons it knows (a
 * BRP or RNI registration): an information contact soon after most
 * arrivals, offers of a language course and of career advice to part of
 * those who stay longer than a year, and information after some partner,
 * child and home events (docs/demo-data.md, "Contact moments"). Drawn from
 * a stream of their own, after the person is final, so that every other
 * file stays byte for byte what it was. */
#include "demo/demo_internal.h"

#define STREAM_CONTACT (UINT64_C(11) << 57)    /* + person index */

/* Shares and delays (days) of the model. */
#define P_INFO_ARRIVAL 0.75
#define INFO_DELAY_MAX 42
#define P_LANGUAGE_OFFER 0.55
#define LANGUAGE_OFFER_FROM 60
#define LANGUAGE_OFFER_TO 450
#define P_CAREER_OFFER 0.45
#define CAREER_OFFER_FROM 90
#define CAREER_OFFER_TO 480
#define P_INFO_EVENT 0.5
#define INFO_EVENT_DELAY_MAX 60

/* Topic bits (ib_topic_codes order). */
enum { T_REGISTRATION, T_WORK_CONTRACT, T_HOUSING, T_HEALTH, T_TAXES,
       T_SAFE_WORK, T_DISMISSAL, T_SELF_EMPLOYMENT, T_DUTCH_LANGUAGE,
       T_TRANSPORT, T_HELP, T_LEAVE, T_COUNT };
#define BIT(t) ((uint16_t)(1u << (t)))

/* How often each topic comes up in a first information contact; the
 * registration always does. */
static const double topic_share[T_COUNT] = {
    [T_REGISTRATION] = 1.0, [T_WORK_CONTRACT] = 0.7, [T_HOUSING] = 0.7,
    [T_HEALTH] = 0.5, [T_TAXES] = 0.4, [T_SAFE_WORK] = 0.3,
    [T_DISMISSAL] = 0.1, [T_SELF_EMPLOYMENT] = 0.05, [T_DUTCH_LANGUAGE] = 0.3,
    [T_TRANSPORT] = 0.2, [T_HELP] = 0.3, [T_LEAVE] = 0.1};

/* Channels (ib_channel order, none first) of a conversation and of an
 * offer, which is often a letter. */
static const double talk_channels[] = {0, 0.7, 0.1, 0.1, 0.05, 0.05, 0};
static const double offer_channels[] = {0, 0.3, 0.05, 0, 0.15, 0.5, 0};
/* The comprehension check (ib_understood order, not checked first). */
static const double understood_shares[] = {0.2, 0.55, 0.2, 0.05};

static void add(dperson *p, const dcontact *x)
{
    for (size_t i = 0; i < p->contacts.n; i++)
        if (p->contacts.v[i].date == x->date && p->contacts.v[i].kind == x->kind)
            return;                     /* the key: one a day of a kind */
    DPUSH(p, p->contacts, *x);
}

/* The stay that covers day d (arrival <= d < departure), or NULL. */
static const dstay *stay_at(const dperson *p, ib_date d)
{
    for (size_t i = 0; i < p->stays.n; i++) {
        const dstay *s = &p->stays.v[i];
        if (s->arrival <= d && (s->departure == IB_DATE_NONE || d < s->departure))
            return s;
    }
    return NULL;
}

/* A contact on day d of a conversation (desk, phone, visit) or an offer:
 * channel, language and comprehension drawn; none of it for a letter. */
static void draw_how(drng *r, dcontact *x, bool offer)
{
    x->channel = (uint8_t)drng_pick(r, offer ? offer_channels : talk_channels,
                                    IB_CHANNEL_OTHER + 1);
    double u = drng_unif(r);
    x->language = u < 0.55 ? DLANG_OWN : u < 0.8 ? DLANG_EN : u < 0.9 ? DLANG_NL
                                                                     : DLANG_NONE;
    x->understood = (uint8_t)drng_pick(r, understood_shares, 4);
    if (x->channel == IB_CHANNEL_LETTER) {
        x->language = DLANG_NONE;
        x->understood = IB_UNDERSTOOD_UNKNOWN;
    }
}

/* Every draw is made whether or not the contact is kept, so that one
 * contact's fate does not shift the next one's. */
static void stay_contacts(const dctx *c, dperson *p, drng *r, const dstay *s)
{
    ib_date last = s->departure == IB_DATE_NONE || s->departure > c->at
                       ? c->at : s->departure - 1;
    dcontact x = {.date = s->arrival + drng_range(r, 1, INFO_DELAY_MAX),
                  .kind = IB_CONTACT_INFORMATION};
    bool keep = drng_chance(r, P_INFO_ARRIVAL);
    for (int t = 0; t < T_COUNT; t++)
        if (drng_chance(r, topic_share[t]))
            x.topics |= BIT(t);
    draw_how(r, &x, false);
    if (keep && x.date <= last)
        add(p, &x);

    /* Offers to those who stay longer than a year, some of them late. */
    bool stays_long = last - s->arrival >= 365;
    static const struct { uint8_t kind; double p; int from, to; uint16_t topics; } offers[] = {
        {IB_CONTACT_LANGUAGE_COURSE_OFFER, P_LANGUAGE_OFFER, LANGUAGE_OFFER_FROM,
         LANGUAGE_OFFER_TO, BIT(T_DUTCH_LANGUAGE)},
        {IB_CONTACT_CAREER_OFFER, P_CAREER_OFFER, CAREER_OFFER_FROM, CAREER_OFFER_TO,
         BIT(T_WORK_CONTRACT)},
    };
    for (size_t i = 0; i < sizeof offers / sizeof *offers; i++) {
        dcontact o = {.date = s->arrival + drng_range(r, offers[i].from, offers[i].to),
                      .kind = offers[i].kind, .topics = offers[i].topics};
        keep = drng_chance(r, offers[i].p);
        draw_how(r, &o, true);
        if (stays_long && keep && o.date <= last)
            add(p, &o);
    }
}

/* Information after a partner, a child or a home: what changes for them. */
static void event_contacts(const dctx *c, dperson *p, drng *r)
{
    for (size_t i = 0; i < p->events.n; i++) {
        const devent *e = &p->events.v[i];
        uint16_t topics;
        switch (e->kind) {
        case IB_EVENT_PARTNER_START:
            topics = BIT(T_REGISTRATION) | BIT(T_HOUSING) | BIT(T_TAXES);
            break;
        case IB_EVENT_CHILD_BIRTH:
            topics = BIT(T_REGISTRATION) | BIT(T_HEALTH) | BIT(T_LEAVE);
            break;
        case IB_EVENT_HOME_PURCHASE:
            topics = BIT(T_REGISTRATION) | BIT(T_HOUSING) | BIT(T_TAXES);
            break;
        default:
            continue;
        }
        dcontact x = {.date = e->date + drng_range(r, 0, INFO_EVENT_DELAY_MAX),
                      .kind = IB_CONTACT_INFORMATION, .topics = topics};
        bool keep = drng_chance(r, P_INFO_EVENT);
        draw_how(r, &x, false);
        if (keep && x.date <= c->at && stay_at(p, x.date))
            add(p, &x);
    }
}

static void sort_by_date(dperson *p)
{
    dcontact *v = p->contacts.v;
    for (size_t i = 1; i < p->contacts.n; i++) {
        dcontact x = v[i];
        size_t j = i;
        for (; j > 0 && (v[j - 1].date > x.date ||
                         (v[j - 1].date == x.date && v[j - 1].kind > x.kind)); j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

void contacts_generate(const dctx *c, dperson *p)
{
    p->contacts.n = 0;
    if (p->regs.n == 0)
        return;                         /* the municipality does not know them */
    drng r;
    drng_seed(&r, c->seed, STREAM_CONTACT + (uint64_t)p->idx);
    for (size_t i = 0; i < p->stays.n; i++)
        if (p->stays.v[i].arrival <= c->at)
            stay_contacts(c, p, &r, &p->stays.v[i]);
    event_contacts(c, p, &r);
    sort_by_date(p);
}
