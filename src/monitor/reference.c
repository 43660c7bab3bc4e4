/* reference.c — the monitor's reference tables compiled in: the statutory
 * minimum wage (WML) and the knowledge-migrant salary criterion, copied from
 * reference/wml.csv and reference/knowledge_migrant.csv (test_reference
 * asserts they stay equal), with their look-ups by date. */
#include "monitor/monitor.h"

/* valid_from as days since 1970-01-01 (the date in the comment), amounts in
 * cents. Add a row here and in the CSV when a new amount is published. */
static const ib_ref_wml_row wml_rows[] = {
    {16436, 150180, IB_CENTS_NONE}, /* 2015-01-01 */
    {16617, 150780, IB_CENTS_NONE}, /* 2015-07-01 */
    {16801, 152460, IB_CENTS_NONE}, /* 2016-01-01 */
    {16983, 153720, IB_CENTS_NONE}, /* 2016-07-01 */
    {17167, 155160, IB_CENTS_NONE}, /* 2017-01-01 */
    {17348, 156540, IB_CENTS_NONE}, /* 2017-07-01 */
    {17532, 157800, IB_CENTS_NONE}, /* 2018-01-01 */
    {17713, 159420, IB_CENTS_NONE}, /* 2018-07-01 */
    {17897, 161580, IB_CENTS_NONE}, /* 2019-01-01 */
    {18078, 163560, IB_CENTS_NONE}, /* 2019-07-01 */
    {18262, 165360, IB_CENTS_NONE}, /* 2020-01-01 */
    {18444, 168000, IB_CENTS_NONE}, /* 2020-07-01 */
    {18628, 168480, IB_CENTS_NONE}, /* 2021-01-01 */
    {18809, 170100, IB_CENTS_NONE}, /* 2021-07-01 */
    {18993, 172500, IB_CENTS_NONE}, /* 2022-01-01 */
    {19174, 175620, IB_CENTS_NONE}, /* 2022-07-01 */
    {19358, 193440, IB_CENTS_NONE}, /* 2023-01-01 */
    {19539, 199500, IB_CENTS_NONE}, /* 2023-07-01 */
    {19723, 230013, 1327}, /* 2024-01-01 */
    {19905, 237120, 1368}, /* 2024-07-01 */
    {20089, 243707, 1406}, /* 2025-01-01 */
    {20270, 249600, 1440}, /* 2025-07-01 */
};

static const ib_ref_knowledge_row knowledge_rows[] = {
    {16436, 418900, 307100}, /* 2015-01-01 */
    {16801, 424000, 310800}, /* 2016-01-01 */
    {17167, 432400, 317000}, /* 2017-01-01 */
    {17532, 440400, 322900}, /* 2018-01-01 */
    {17897, 450000, 329900}, /* 2019-01-01 */
    {18262, 461200, 338100}, /* 2020-01-01 */
    {18628, 475200, 348400}, /* 2021-01-01 */
    {18993, 484000, 354900}, /* 2022-01-01 */
    {19358, 500800, 367200}, /* 2023-01-01 */
    {19723, 533100, 390900}, /* 2024-01-01 */
    {20089, 568800, 417100}, /* 2025-01-01 */
};

#define N_WML (sizeof wml_rows / sizeof wml_rows[0])
#define N_KNOWLEDGE (sizeof knowledge_rows / sizeof knowledge_rows[0])

const ib_ref_wml_row *ib_ref_wml_rows(size_t *n)
{
    *n = N_WML;
    return wml_rows;
}

const ib_ref_knowledge_row *ib_ref_knowledge_rows(size_t *n)
{
    *n = N_KNOWLEDGE;
    return knowledge_rows;
}

/* Index of the row with the latest valid_from <= d among the n rows (sorted
 * by valid_from); 0 before the first row. */
#define ROW_AT(rows, n, d, out)                                                \
    do {                                                                       \
        size_t lo_ = 0, hi_ = (n);                                             \
        while (hi_ - lo_ > 1) {                                                \
            size_t mid_ = lo_ + (hi_ - lo_) / 2;                               \
            if ((rows)[mid_].valid_from <= (d))                                \
                lo_ = mid_;                                                    \
            else                                                               \
                hi_ = mid_;                                                    \
        }                                                                      \
        (out) = lo_;                                                           \
    } while (0)

ib_cents ib_ref_wml(ib_date d)
{
    size_t i;
    ROW_AT(wml_rows, N_WML, d, i);
    return wml_rows[i].monthly;
}

ib_cents ib_ref_knowledge(int age, ib_date d)
{
    size_t i;
    ROW_AT(knowledge_rows, N_KNOWLEDGE, d, i);
    return age < 30 ? knowledge_rows[i].monthly_under_30
                    : knowledge_rows[i].monthly_30_plus;
}
