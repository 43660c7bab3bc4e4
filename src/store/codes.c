/* codes.c — the text of every coded value of the exchange format, in the
 * order of the enums in store.h, and the file stems of the record kinds. */
#include "store/store.h"

#include <string.h>

const ib_code_name ib_sex_codes[] = {
    {IB_SEX_UNKNOWN, ""}, {IB_SEX_M, "M"}, {IB_SEX_V, "V"}, {IB_SEX_X, "X"},
    {0, NULL}};

const ib_code_name ib_category_codes[] = {
    {IB_CAT_LABOUR, "labour"}, {IB_CAT_KNOWLEDGE, "knowledge"},
    {IB_CAT_STATUS_HOLDER, "status_holder"}, {IB_CAT_FAMILY, "family"},
    {IB_CAT_STUDENT, "student"}, {IB_CAT_OTHER, "other"}, {0, NULL}};

const ib_code_name ib_reg_kind_codes[] = {
    {IB_REG_BRP, "brp"}, {IB_REG_RNI, "rni"}, {0, NULL}};

const ib_code_name ib_org_kind_codes[] = {
    {IB_ORG_AGENCY, "agency"}, {IB_ORG_EMPLOYER, "employer"},
    {IB_ORG_HOUSING_PROVIDER, "housing_provider"}, {IB_ORG_WELFARE, "welfare"},
    {IB_ORG_MUNICIPALITY, "municipality"}, {IB_ORG_OTHER, "other"}, {0, NULL}};

const ib_code_name ib_cert_codes[] = {
    {IB_CERT_NONE, ""}, {IB_CERT_NEN4400, "nen4400"}, {IB_CERT_SNF, "snf"},
    {IB_CERT_BOTH, "both"}, {0, NULL}};

const ib_code_name ib_contract_codes[] = {
    {IB_CONTRACT_AGENCY, "agency"}, {IB_CONTRACT_TEMPORARY, "temporary"},
    {IB_CONTRACT_PERMANENT, "permanent"},
    {IB_CONTRACT_SELF_EMPLOYED, "self_employed"}, {0, NULL}};

const ib_code_name ib_location_kind_codes[] = {
    {IB_LOC_SHORT_STAY_FACILITY, "short_stay_facility"},
    {IB_LOC_SHARED_HOUSE, "shared_house"},
    {IB_LOC_PRIVATE_RENTAL, "private_rental"},
    {IB_LOC_CORPORATION_RENTAL, "corporation_rental"},
    {IB_LOC_OWNER_OCCUPIED, "owner_occupied"},
    {IB_LOC_HOTEL_OR_RECREATION, "hotel_or_recreation"},
    {IB_LOC_OTHER, "other"}, {0, NULL}};

const ib_code_name ib_event_codes[] = {
    {IB_EVENT_PARTNER_START, "partner_start"},
    {IB_EVENT_PARTNER_END, "partner_end"},
    {IB_EVENT_CHILD_BIRTH, "child_birth"},
    {IB_EVENT_HOME_PURCHASE, "home_purchase"},
    {IB_EVENT_HOME_SALE, "home_sale"}, {0, NULL}};

const ib_code_name ib_contact_kind_codes[] = {
    {IB_CONTACT_INFORMATION, "information"},
    {IB_CONTACT_LANGUAGE_COURSE_OFFER, "language_course_offer"},
    {IB_CONTACT_CAREER_OFFER, "career_offer"},
    {IB_CONTACT_OTHER, "other"}, {0, NULL}};

const ib_code_name ib_channel_codes[] = {
    {IB_CHANNEL_NONE, ""}, {IB_CHANNEL_DESK, "desk"},
    {IB_CHANNEL_PHONE, "phone"}, {IB_CHANNEL_VISIT, "visit"},
    {IB_CHANNEL_ONLINE, "online"}, {IB_CHANNEL_LETTER, "letter"},
    {IB_CHANNEL_OTHER, "other"}, {0, NULL}};

const ib_code_name ib_understood_codes[] = {
    {IB_UNDERSTOOD_UNKNOWN, ""}, {IB_UNDERSTOOD_YES, "yes"},
    {IB_UNDERSTOOD_PARTLY, "partly"}, {IB_UNDERSTOOD_NO, "no"}, {0, NULL}};

/* The twelve national themes of the information for newcomers; local
 * topics of a municipality join them with the catalogue. */
const ib_code_name ib_topic_codes[] = {
    {0, "registration"}, {1, "work_contract"}, {2, "housing"},
    {3, "health"}, {4, "taxes"}, {5, "safe_work"}, {6, "dismissal"},
    {7, "self_employment"}, {8, "dutch_language"}, {9, "transport"},
    {10, "help"}, {11, "leave"}, {0, NULL}};

/* The codes of ib_topic_codes are 0 .. TOPIC_COUNT - 1. */
#define TOPIC_COUNT 12

static int topic_of(const char *s, size_t len)
{
    int code;
    return ib_code_parse(ib_topic_codes, s, len, &code) == IB_OK ? code : -1;
}

int ib_topics_normalise(const char *s, size_t len, char out[IB_TOPICS_MAX + 1],
                        char *bad, size_t bad_size)
{
    bool named[TOPIC_COUNT] = {false};
    out[0] = '\0';
    if (bad && bad_size)
        bad[0] = '\0';
    for (size_t i = 0; i < len;) {
        if (s[i] == ' ') {
            i++;
            continue;
        }
        size_t n = 0;
        while (i + n < len && s[i + n] != ' ')
            n++;
        int code = topic_of(s + i, n);
        if (code < 0 || code >= TOPIC_COUNT) {
            if (bad && bad_size) {
                size_t k = n < bad_size - 1 ? n : bad_size - 1;
                memcpy(bad, s + i, k);
                bad[k] = '\0';
            }
            return IB_EINVAL;
        }
        named[code] = true;
        i += n;
    }
    /* Every code once fits: the twelve are 119 bytes with their spaces. */
    size_t used = 0;
    for (int code = 0; code < TOPIC_COUNT; code++) {
        if (!named[code])
            continue;
        const char *name = ib_code_text(ib_topic_codes, code);
        size_t n = strlen(name);
        if (used + (used ? 1 : 0) + n > IB_TOPICS_MAX)
            return IB_EINVAL;
        if (used)
            out[used++] = ' ';
        memcpy(out + used, name, n);
        used += n;
        out[used] = '\0';
    }
    return IB_OK;
}

const char *ib_kind_file_stem(ib_kind kind)
{
    static const char *const stems[IB_KIND_COUNT] = {
        "organisations", "locations", "persons", "stays",
        "registrations", "employments", "housings", "life_events", "contacts"};
    return (unsigned)kind < IB_KIND_COUNT ? stems[kind] : NULL;
}
