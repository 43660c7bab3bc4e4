/* tables.c — the demo generator's built-in tables: the nationality mix
 * (after CBS's count of Central and Eastern Europeans on 1-1-2018, with the
 * main non-EU origins of labour and knowledge migrants and status holders),
 * the category mix per origin, small name lists per language, the
 * municipalities with their postcode ranges, and arrivals per year. */
#include "demo/demo_internal.h"

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define NAMES(id, fam, m, f)                                                 \
    static const dnames id = {fam, m, f, N_OF(fam), N_OF(m), N_OF(f)}

static const char *const pl_f[] = {"Nowak", "Kowalski", "Wiśniewski", "Wójcik",
    "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński", "Szymański", "Woźniak"};
static const char *const pl_m[] = {"Piotr", "Krzysztof", "Tomasz", "Paweł",
    "Michał", "Marcin", "Jakub", "Łukasz"};
static const char *const pl_v[] = {"Anna", "Katarzyna", "Magdalena", "Agnieszka",
    "Joanna", "Monika", "Ewa", "Aleksandra"};
NAMES(n_pl, pl_f, pl_m, pl_v);

static const char *const ro_f[] = {"Popescu", "Ionescu", "Popa", "Dumitru",
    "Stan", "Stoica", "Gheorghe", "Munteanu"};
static const char *const ro_m[] = {"Andrei", "Mihai", "Alexandru", "Ion",
    "Florin", "Gabriel"};
static const char *const ro_v[] = {"Maria", "Elena", "Ioana", "Andreea",
    "Cristina", "Mihaela"};
NAMES(n_ro, ro_f, ro_m, ro_v);

static const char *const bg_f[] = {"Ivanov", "Georgiev", "Dimitrov", "Petrov",
    "Nikolov", "Hristov"};
static const char *const bg_m[] = {"Georgi", "Ivan", "Dimitar", "Nikolay",
    "Stoyan"};
static const char *const bg_v[] = {"Maria", "Ivanka", "Elena", "Yordanka",
    "Desislava"};
NAMES(n_bg, bg_f, bg_m, bg_v);

static const char *const hu_f[] = {"Nagy", "Kovács", "Tóth", "Szabó", "Horváth",
    "Varga"};
static const char *const hu_m[] = {"László", "István", "József", "Zoltán",
    "Gábor"};
static const char *const hu_v[] = {"Mária", "Erzsébet", "Katalin", "Éva",
    "Zsuzsanna"};
NAMES(n_hu, hu_f, hu_m, hu_v);

static const char *const lt_f[] = {"Kazlauskas", "Jankauskas", "Petrauskas",
    "Stankevičius", "Vasiliauskas"};
static const char *const lt_m[] = {"Tomas", "Mindaugas", "Darius", "Andrius"};
static const char *const lt_v[] = {"Rasa", "Kristina", "Inga", "Jurgita"};
NAMES(n_lt, lt_f, lt_m, lt_v);

static const char *const lv_f[] = {"Bērziņš", "Kalniņš", "Ozoliņš", "Jansons",
    "Liepiņš"};
static const char *const lv_m[] = {"Jānis", "Andris", "Edgars", "Māris"};
static const char *const lv_v[] = {"Anna", "Inese", "Kristīne", "Ilze"};
NAMES(n_lv, lv_f, lv_m, lv_v);

static const char *const sk_f[] = {"Horváth", "Kováč", "Varga", "Novák",
    "Svoboda", "Dvořák", "Černý"};
static const char *const sk_m[] = {"Peter", "Martin", "Jan", "Tomáš", "Marek"};
static const char *const sk_v[] = {"Mária", "Jana", "Petra", "Lucia", "Eva"};
NAMES(n_sk, sk_f, sk_m, sk_v);

static const char *const hr_f[] = {"Horvat", "Kovačević", "Babić", "Jovanović",
    "Petrović", "Nikolić", "Marić"};
static const char *const hr_m[] = {"Ivan", "Marko", "Nikola", "Stefan", "Luka"};
static const char *const hr_v[] = {"Ana", "Marija", "Jelena", "Ivana", "Milica"};
NAMES(n_hr, hr_f, hr_m, hr_v);

static const char *const es_f[] = {"García", "Rodríguez", "Martínez", "López",
    "Sánchez", "Fernández"};
static const char *const es_m[] = {"Javier", "Carlos", "David", "Pablo", "Sergio"};
static const char *const es_v[] = {"Lucía", "María", "Laura", "Marta", "Paula"};
NAMES(n_es, es_f, es_m, es_v);

static const char *const it_f[] = {"Rossi", "Russo", "Ferrari", "Esposito",
    "Bianchi", "Romano"};
static const char *const it_m[] = {"Marco", "Luca", "Giuseppe", "Andrea",
    "Matteo"};
static const char *const it_v[] = {"Giulia", "Francesca", "Chiara", "Sara",
    "Valentina"};
NAMES(n_it, it_f, it_m, it_v);

static const char *const pt_f[] = {"Silva", "Santos", "Ferreira", "Pereira",
    "Oliveira", "Costa", "Souza"};
static const char *const pt_m[] = {"João", "Pedro", "Tiago", "Rafael", "Lucas"};
static const char *const pt_v[] = {"Ana", "Beatriz", "Mariana", "Inês",
    "Juliana"};
NAMES(n_pt, pt_f, pt_m, pt_v);

static const char *const el_f[] = {"Papadopoulos", "Georgiou", "Nikolaidis",
    "Vlachos", "Dimitriou"};
static const char *const el_m[] = {"Giorgos", "Dimitris", "Nikos", "Kostas"};
static const char *const el_v[] = {"Maria", "Eleni", "Katerina", "Sofia"};
NAMES(n_el, el_f, el_m, el_v);

static const char *const de_f[] = {"Müller", "Schmidt", "Schneider", "Fischer",
    "Weber", "Dubois", "Martin"};
static const char *const de_m[] = {"Lukas", "Felix", "Jonas", "Thomas",
    "Nicolas"};
static const char *const de_v[] = {"Lena", "Julia", "Sophie", "Claire", "Anna"};
NAMES(n_de, de_f, de_m, de_v);

static const char *const uk_f[] = {"Shevchenko", "Kovalenko", "Bondarenko",
    "Tkachenko", "Kravchenko", "Melnyk"};
static const char *const uk_m[] = {"Oleksandr", "Andriy", "Dmytro", "Serhiy",
    "Volodymyr"};
static const char *const uk_v[] = {"Olena", "Natalia", "Iryna", "Oksana",
    "Tetiana"};
NAMES(n_uk, uk_f, uk_m, uk_v);

static const char *const in_f[] = {"Sharma", "Patel", "Reddy", "Iyer", "Nair",
    "Gupta", "Singh", "Rao"};
static const char *const in_m[] = {"Rahul", "Arjun", "Vikram", "Sanjay",
    "Karthik", "Amit"};
static const char *const in_v[] = {"Priya", "Ananya", "Divya", "Sneha",
    "Lakshmi", "Pooja"};
NAMES(n_in, in_f, in_m, in_v);

static const char *const tr_f[] = {"Yılmaz", "Kaya", "Demir", "Şahin", "Çelik",
    "Yıldız"};
static const char *const tr_m[] = {"Mehmet", "Mustafa", "Ahmet", "Emre", "Murat"};
static const char *const tr_v[] = {"Ayşe", "Fatma", "Elif", "Zeynep", "Emine"};
NAMES(n_tr, tr_f, tr_m, tr_v);

static const char *const ar_f[] = {"Al-Hassan", "Haddad", "Khalil", "Ibrahim",
    "Mansour", "Darwish"};
static const char *const ar_m[] = {"Mohammed", "Ahmad", "Omar", "Khaled",
    "Yusuf"};
static const char *const ar_v[] = {"Fatima", "Rasha", "Noor", "Lina", "Hiba"};
NAMES(n_ar, ar_f, ar_m, ar_v);

static const char *const ti_f[] = {"Tesfay", "Gebremedhin", "Haile", "Kidane",
    "Berhane"};
static const char *const ti_m[] = {"Yonas", "Dawit", "Filmon", "Samuel"};
static const char *const ti_v[] = {"Senait", "Helen", "Selam", "Luwam"};
NAMES(n_ti, ti_f, ti_m, ti_v);

static const char *const zh_f[] = {"Wang", "Li", "Zhang", "Liu", "Chen", "Yang"};
static const char *const zh_m[] = {"Wei", "Jun", "Hao", "Lei", "Ming"};
static const char *const zh_v[] = {"Xiu Ying", "Li Na", "Jing", "Mei", "Yan"};
NAMES(n_zh, zh_f, zh_m, zh_v);

static const char *const en_f[] = {"Smith", "Johnson", "Brown", "Taylor",
    "Williams", "Wilson", "Davies"};
static const char *const en_m[] = {"James", "Michael", "David", "Daniel",
    "Oliver", "Ryan"};
static const char *const en_v[] = {"Emma", "Sarah", "Emily", "Jessica", "Olivia",
    "Hannah"};
NAMES(n_en, en_f, en_m, en_v);

static const char *const tl_f[] = {"Santos", "Reyes", "Cruz", "Bautista",
    "Garcia", "Mendoza"};
static const char *const tl_m[] = {"Jose", "Mark", "John Paul", "Ramon"};
static const char *const tl_v[] = {"Maria", "Kristine", "Angelica", "Joy"};
NAMES(n_tl, tl_f, tl_m, tl_v);

/* Weights: the CEE countries in proportion to CBS's registered counts on
 * 1-1-2018 (PL 267,110 ... HR 7,450, DOMAIN.md), scaled so that about 60 %
 * of arrivals are from the EU/EEA ("more than half"); non-EU origins after
 * the main groups of knowledge migrants, status holders and workers. */
const dnation demo_nations[] = {
    {"PL", 26.0, "pl", MIX_CEE, &n_pl},
    {"RO", 5.2, "ro", MIX_CEE, &n_ro},
    {"BG", 3.9, "bg", MIX_CEE, &n_bg},
    {"HU", 2.2, "hu", MIX_CEE, &n_hu},
    {"LT", 1.4, "lt", MIX_CEE, &n_lt},
    {"SK", 1.0, "sk", MIX_CEE, &n_sk},
    {"LV", 0.9, "lv", MIX_CEE, &n_lv},
    {"CZ", 0.8, "cs", MIX_CEE, &n_sk},
    {"HR", 0.7, "hr", MIX_CEE, &n_hr},
    {"ES", 3.5, "es", MIX_EU_WEST, &n_es},
    {"IT", 3.5, "it", MIX_EU_WEST, &n_it},
    {"PT", 3.0, "pt", MIX_EU_WEST, &n_pt},
    {"GR", 2.0, "el", MIX_EU_WEST, &n_el},
    {"DE", 4.0, "de", MIX_EU_WEST, &n_de},
    {"FR", 2.0, "fr", MIX_EU_WEST, &n_de},
    {"RS", 1.1, "sr", MIX_BALKAN, &n_hr},
    {"UA", 5.0, "uk", MIX_UKRAINE, &n_uk},
    {"IN", 11.0, "en", MIX_INDIA, &n_in},
    {"TR", 4.0, "tr", MIX_TURKEY, &n_tr},
    {"SY", 5.0, "ar", MIX_REFUGEE, &n_ar},
    {"ER", 2.0, "ti", MIX_REFUGEE, &n_ti},
    {"CN", 3.0, "zh", MIX_CHINA, &n_zh},
    {"US", 3.0, "en", MIX_ANGLO, &n_en},
    {"GB", 3.0, "en", MIX_ANGLO, &n_en},
    {"BR", 2.5, "pt", MIX_BRAZIL, &n_pt},
    {"PH", 1.5, "tl", MIX_PHILIPPINES, &n_tl},
};
const size_t demo_n_nations = sizeof demo_nations / sizeof demo_nations[0];

/* labour, knowledge, status_holder, family, student, other */
const double demo_category_mix[MIX_COUNT][6] = {
    [MIX_CEE] = {0.93, 0.02, 0.00, 0.03, 0.02, 0.00},
    [MIX_EU_WEST] = {0.55, 0.25, 0.00, 0.05, 0.12, 0.03},
    [MIX_BALKAN] = {0.85, 0.03, 0.00, 0.08, 0.04, 0.00},
    [MIX_UKRAINE] = {0.50, 0.05, 0.05, 0.05, 0.05, 0.30},
    [MIX_INDIA] = {0.03, 0.75, 0.00, 0.10, 0.12, 0.00},
    [MIX_TURKEY] = {0.25, 0.20, 0.00, 0.40, 0.15, 0.00},
    [MIX_REFUGEE] = {0.00, 0.00, 0.85, 0.15, 0.00, 0.00},
    [MIX_CHINA] = {0.00, 0.45, 0.00, 0.10, 0.45, 0.00},
    [MIX_ANGLO] = {0.12, 0.60, 0.00, 0.08, 0.15, 0.05},
    [MIX_BRAZIL] = {0.50, 0.20, 0.00, 0.10, 0.20, 0.00},
    [MIX_PHILIPPINES] = {0.70, 0.10, 0.00, 0.20, 0.00, 0.00},
};

/* Where labour migrants live: the large cities, the greenhouse and
 * logistics regions (Westland, Venlo, Horst aan de Maas, Peel en Maas). */
const dmuni demo_munis[] = {
    {"GM0518", 10, 2491, 2599}, /* 's-Gravenhage */
    {"GM0599", 10, 3011, 3089}, /* Rotterdam */
    {"GM0363", 8, 1011, 1109},  /* Amsterdam */
    {"GM1783", 8, 2671, 2695},  /* Westland */
    {"GM0983", 6, 5911, 5935},  /* Venlo */
    {"GM1507", 5, 5961, 5976},  /* Horst aan de Maas */
    {"GM0772", 6, 5611, 5658},  /* Eindhoven */
    {"GM0855", 5, 5011, 5049},  /* Tilburg */
    {"GM0344", 5, 3511, 3585},  /* Utrecht */
    {"GM0758", 4, 4811, 4841},  /* Breda */
    {"GM0268", 3, 6511, 6546},  /* Nijmegen */
    {"GM0014", 3, 9711, 9747},  /* Groningen */
    {"GM0193", 3, 8011, 8043},  /* Zwolle */
    {"GM0034", 3, 1311, 1359},  /* Almere */
    {"GM1894", 3, 5981, 5991},  /* Peel en Maas */
    {"GM0153", 2, 7511, 7548},  /* Enschede */
    {"GM0546", 2, 2311, 2334},  /* Leiden */
    {"GM0637", 2, 2711, 2729},  /* Zoetermeer */
};
const size_t demo_n_munis = sizeof demo_munis / sizeof demo_munis[0];

/* Arrivals grew from ~20,000 (2006) to ~70,000 (2022) a year (DOMAIN.md),
 * with the dip of 2020; later years stay at the 2022 level. */
double demo_year_weight(int year)
{
    static const double w[] = {30, 32, 34, 36, 39, 43, 47, 51, 55, 58,
                               46, 56, 70, 70, 69, 68};
    int i = year - 2010;
    if (i < 0)
        return 0;
    return i < N_OF(w) ? w[i] : 68;
}
