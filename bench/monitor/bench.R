# bench.R — R survival on the intervals inbeeld exported, timed the same way
# as inbeeld: reading the CSV, Kaplan–Meier with retention for every group,
# the log-rank tests, and coxph with the same covariates; then the largest
# relative difference between R's and inbeeld's Cox coefficients.
# Usage: Rscript bench.R INTERVALS.csv COX.json COVARIATES GROUPS
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
covs <- strsplit(args[3], ",")[[1]]
groups <- strsplit(args[4], ",")[[1]]
# elapsed and CPU (user + sys) seconds: on a shared machine CPU is the fair
# figure, as inbeeld's side reports both
say <- function(what, t) cat(sprintf("R %s %.3f %.3f\n", what, t[["elapsed"]],
                                     t[["user.self"]] + t[["sys.self"]]))

t <- system.time(iv <- read.csv(args[1], colClasses = c(person_ref = "character",
  nationality = "character", first_brp = "character", age_band = "character",
  sex = "character", category = "character"), na.strings = character(0)))
say("read", t)

t <- system.time({
  last <- !duplicated(iv[, c("person_ref", "sender_id", "stay")], fromLast = TRUE)
  st <- iv[last, ]
})
say("stays", t)
days <- c(365, 1095, 1826, 3652)
key <- function(g) switch(g, age = st$age_band, st[[g]])
t_km <- system.time(for (g in groups) {
  fit <- survfit(Surv(stop, event) ~ key(g), data = st, conf.type = "log-log")
  s <- summary(fit, times = days, extend = TRUE)
  m <- summary(fit, rmean = 3652)$table
})
say("km_all_groups", t_km)
t_lr <- system.time(for (g in groups) sd <- survdiff(Surv(stop, event) ~ key(g), data = st))
say("logrank_all_groups", t_lr)

form <- as.formula(paste("Surv(start, stop, event) ~", paste(covs, collapse = " + ")))
t <- system.time(fit <- coxph(form, data = iv, ties = "efron"))
say("cox", t)
# coxph always computes the concordance; its share, for the profile
t <- system.time(cc <- concordance(fit))
say("cox_concordance_only", t)

# inbeeld's coefficients from its JSON, in order
js <- readLines(args[2])
nm <- sub('.*"name": "([^"]+)".*', "\\1", grep('"name":', js, value = TRUE))
cf <- as.numeric(sub('.*"coef": ([^,]+),?', "\\1", grep('"coef":', js, value = TRUE)))
r <- coef(fit)[nm]
rel <- max(abs(r - cf) / pmax(abs(r), 1e-300))
cat(sprintf("R cox_max_rel_diff %.3g\n", rel))
cat(sprintf("R intervals %d stays %d events %d\n", nrow(iv), nrow(st), sum(st$event)))
