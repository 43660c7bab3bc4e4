/* routes.c — the route table: every endpoint, its method and the roles
 * that may call it. What is not here does not exist (404, or 405 for a
 * known path); a role not listed gets 403. Scope within a role (own sender,
 * own municipalities) is checked by the handler. A route with
 * R_SESSION_ONLY needs a person logged in (session cookie and CSRF token):
 * an API token gets 403 there, so that a leaked token can neither mint a
 * successor nor revoke its owner's other tokens. tests/api/matrix.json
 * holds the expected outcome of every cell; docs/security.md shows it. */
#include "http/http_internal.h"

#define R_REGISTRY (R_CASEWORKER | R_AGENCY | R_ADMIN)
#define R_TOKEN_OWNERS (R_AGENCY | R_ADMIN | R_SESSION_ONLY)

const ib_route ib_routes[] = {
    {"GET", "/healthz", R_PUBLIC, ib_api_healthz},
    {"GET", "/api/v1/openapi.json", R_PUBLIC, ib_api_openapi},
    {"POST", "/api/v1/sessions", R_PUBLIC, ib_api_login},
    {"GET", "/api/v1/sessions/current", R_ANY, ib_api_me},
    {"DELETE", "/api/v1/sessions/current", R_ANY, ib_api_logout},
    {"GET", "/api/v1/tokens", R_TOKEN_OWNERS, ib_api_tokens_list},
    {"POST", "/api/v1/tokens", R_TOKEN_OWNERS, ib_api_tokens_create},
    {"DELETE", "/api/v1/tokens/{id}", R_TOKEN_OWNERS, ib_api_tokens_revoke},
    {"GET", "/api/v1/persons", R_REGISTRY, ib_api_persons_list},
    {"GET", "/api/v1/persons/{id}", R_REGISTRY, ib_api_persons_get},
    {"GET", "/api/v1/persons/{id}/audit", R_CASEWORKER | R_ADMIN, ib_api_person_audit},
    {"POST", "/api/v1/persons/{id}/links", R_CASEWORKER | R_ADMIN, ib_api_person_link},
    {"DELETE", "/api/v1/persons/{id}/records/{record_id}", R_CASEWORKER | R_ADMIN,
     ib_api_person_unlink},
    {"GET", "/api/v1/duplicates", R_CASEWORKER | R_ADMIN, ib_api_duplicates_list},
    {"GET", "/api/v1/duplicates/{id}", R_CASEWORKER | R_ADMIN, ib_api_duplicates_get},
    {"POST", "/api/v1/duplicates/{id}/decision", R_CASEWORKER | R_ADMIN,
     ib_api_duplicates_decide},
    {"GET", "/api/v1/stays", R_REGISTRY, ib_api_stays},
    {"GET", "/api/v1/registrations", R_REGISTRY, ib_api_registrations},
    {"GET", "/api/v1/employments", R_REGISTRY, ib_api_employments},
    {"GET", "/api/v1/housings", R_REGISTRY, ib_api_housings},
    {"GET", "/api/v1/life-events", R_REGISTRY, ib_api_life_events},
    {"GET", "/api/v1/contacts", R_REGISTRY, ib_api_contacts},
    {"GET", "/api/v1/locations", R_REGISTRY | R_INSPECTOR, ib_api_locations_list},
    {"GET", "/api/v1/locations/{id}", R_REGISTRY | R_INSPECTOR, ib_api_locations_get},
    {"GET", "/api/v1/locations/{id}/residents", R_REGISTRY | R_INSPECTOR,
     ib_api_location_residents},
    {"GET", "/api/v1/occupancy", R_REGISTRY | R_INSPECTOR, ib_api_occupancy},
    {"GET", "/api/v1/organisations", R_REGISTRY | R_INSPECTOR, ib_api_organisations_list},
    {"GET", "/api/v1/organisations/{id}", R_REGISTRY | R_INSPECTOR,
     ib_api_organisations_get},
    {"GET", "/api/v1/inspections", R_INSPECTOR | R_ADMIN, ib_api_inspections_list},
    {"POST", "/api/v1/inspections", R_INSPECTOR | R_ADMIN, ib_api_inspections_create},
    {"GET", "/api/v1/inspections/{id}", R_INSPECTOR | R_ADMIN, ib_api_inspections_get},
    {"PUT", "/api/v1/inspections/{id}", R_INSPECTOR | R_ADMIN, ib_api_inspections_put},
    {"DELETE", "/api/v1/inspections/{id}", R_INSPECTOR | R_ADMIN,
     ib_api_inspections_delete},
    {"POST", "/api/v1/imports", R_CASEWORKER | R_AGENCY | R_ADMIN, ib_api_imports},
    {"GET", "/api/v1/imports", R_CASEWORKER | R_AGENCY | R_ADMIN, ib_api_imports_history},
    {"GET", "/api/v1/imports/progress/{id}", R_CASEWORKER | R_AGENCY | R_ADMIN,
     ib_api_import_progress},
    {"GET", "/api/v1/statistics", R_ANALYST | R_ADMIN, ib_api_statistics},
    {"GET", "/api/v1/monitor/survival", R_ANALYST | R_ADMIN, ib_api_monitor_survival},
    {"GET", "/api/v1/monitor/cox", R_ANALYST | R_ADMIN, ib_api_monitor_cox},
    {"GET", "/api/v1/monitor/typology", R_ANALYST | R_ADMIN, ib_api_monitor_typology},
    {"GET", "/api/v1/monitor/registration", R_ANALYST | R_ADMIN,
     ib_api_monitor_registration},
    {"GET", "/api/v1/monitor/housing", R_ANALYST | R_ADMIN, ib_api_monitor_housing},
    {"GET", "/api/v1/exports/{kind}", R_REGISTRY | R_INSPECTOR, ib_api_exports},
};

const size_t ib_nroutes = sizeof ib_routes / sizeof *ib_routes;
