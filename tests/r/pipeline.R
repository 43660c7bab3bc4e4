# pipeline.R — sets `inbeeld monitor survival|cox --format json` beside R
# survival's survfit/survdiff/coxph on the intervals that `inbeeld monitor
# intervals` exported from the same database, and fails on any difference
# beyond relative 1e-6 (absolute 1e-9 near zero). The export is cut at every
# factor's change; a Cox model is fitted by R both on it and, as inbeeld does,
# on its intervals merged where the model's covariates do not change.
# Usage: Rscript pipeline.R INTERVALS.csv RESULT.json...
# Each JSON is a survival or a cox result (its "figure" says which); a
# survival result with a cohort is compared on that cohort's stays.
suppressPackageStartupMessages(library(survival))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 2) stop("usage: Rscript pipeline.R INTERVALS.csv RESULT.json...")
iv <- read.csv(args[1], colClasses = c(person_ref = "character", nationality = "character",
                                       first_brp = "character", age_band = "character"),
               na.strings = character(0))

# ------------------------------------------------------------ JSON reader
# (no jsonlite on a bare Debian with r-cran-survival): tokens, then a
# recursive descent; arrays of scalars become vectors, null becomes NA.
json_read <- function(path) {
  txt <- paste(readLines(path, warn = FALSE), collapse = "\n")
  re <- '"(?:[^"\\\\]|\\\\.)*"|-?[0-9][0-9.eE+-]*|true|false|null|[][{}:,]'
  tok <- regmatches(txt, gregexpr(re, txt, perl = TRUE))[[1]]
  pos <- 1L
  unstr <- function(t) gsub('\\\\(.)', "\\1", substr(t, 2, nchar(t) - 1))
  value <- function() {
    t <- tok[pos]
    pos <<- pos + 1L
    if (t == "{") {
      out <- list()
      if (tok[pos] == "}") { pos <<- pos + 1L; return(out) }
      repeat {
        k <- unstr(tok[pos])
        pos <<- pos + 2L                       # key and ':'
        out[k] <- list(value())
        sep <- tok[pos]
        pos <<- pos + 1L
        if (sep == "}") break
      }
      return(out)
    }
    if (t == "[") {
      out <- vector("list", 0)
      if (tok[pos] == "]") { pos <<- pos + 1L; return(out) }
      repeat {
        out[[length(out) + 1L]] <- value()
        sep <- tok[pos]
        pos <<- pos + 1L
        if (sep == "]") break
      }
      if (all(vapply(out, function(x) !is.list(x) && length(x) == 1, TRUE)))
        out <- unlist(out)
      return(out)
    }
    if (t == "true") return(TRUE)
    if (t == "false") return(FALSE)
    if (t == "null") return(NA)
    if (substr(t, 1, 1) == '"') return(unstr(t))
    as.numeric(t)                              # 1e999 reads as Inf
  }
  value()
}

# ------------------------------------------------------------ comparison
n_compared <- 0
n_bad <- 0
same <- function(a, b) {
  if (is.na(a) && is.na(b)) return(TRUE)
  if (is.na(a) || is.na(b)) return(FALSE)
  if (is.infinite(a) || is.infinite(b)) return(a == b)
  abs(a - b) <= 1e-9 || abs(a - b) <= 1e-6 * max(abs(a), abs(b))
}
check <- function(what, r, ours) {
  r <- as.numeric(r)
  ours <- as.numeric(ours)
  if (length(r) != length(ours)) {
    cat(sprintf("  %-50s R has %d values, inbeeld %d\n", what, length(r), length(ours)))
    n_bad <<- n_bad + 1
    return(invisible())
  }
  for (i in seq_along(r)) {
    n_compared <<- n_compared + 1
    if (!same(r[i], ours[i])) {
      n_bad <<- n_bad + 1
      if (n_bad <= 30)
        cat(sprintf("  %-50s R %-24.17g inbeeld %.17g\n",
                    if (length(r) > 1) sprintf("%s[%d]", what, i) else what, r[i], ours[i]))
    }
  }
}

# stays: the last interval of each (person_ref, sender_id, stay): a ref is
# a sender's own, so the person is the ref of the sender it came from
iv$stay_id <- paste(iv$person_ref, iv$sender_id, iv$stay, sep = "\r")
last <- iv[!duplicated(iv$stay_id, fromLast = TRUE), ]
stays <- data.frame(T = last$stop, e = last$event, eu = last$eu,
                    nationality = last$nationality, age_band = last$age_band,
                    cohort = last$cohort, category = last$category, sex = last$sex,
                    first_brp = last$first_brp, stringsAsFactors = FALSE)

group_label <- function(d, by) {
  switch(by,
         eu = ifelse(d$eu == 1, "EU", "non-EU"),
         cee = ifelse(d$cee == 1, "CEE", "non-CEE"),
         nationality = d$nationality,
         age = d$age_band,
         cohort = as.character(d$cohort),
         category = d$category,
         sex = d$sex,
         first_brp = ifelse(d$first_brp == "", "unknown", d$first_brp),
         stop("no R grouping for ", by))
}

compare_km <- function(what, sel, g, horizon) {
  fit <- survfit(Surv(T, e) ~ 1, data = sel, conf.type = "log-log")
  check(paste(what, "n"), nrow(sel), g$n)
  check(paste(what, "events"), sum(sel$e), g$events)
  if (!is.null(g$curve)) {
    cv <- g$curve
    for (f in c("time", "n_risk", "n_event", "n_censor", "surv", "std_err", "lower", "upper"))
      check(paste(what, "curve", f), fit[[sub("_", ".", f)]], cv[[f]])
  }
  days <- vapply(g$retention, function(p) p$day, 0)
  s <- summary(fit, times = days, extend = TRUE)
  for (i in seq_along(days)) {
    p <- g$retention[[i]]
    w <- paste(what, "retention", p$years, "y")
    check(paste(w, "n_risk"), s$n.risk[i], p$n_risk)
    check(paste(w, "surv"), s$surv[i], p$surv)
    check(paste(w, "std_err"), s$std.err[i], p$std_err)
    check(paste(w, "lower"), s$lower[i], p$lower)
    check(paste(w, "upper"), s$upper[i], p$upper)
  }
  tb <- survival:::survmean(fit, scale = 1, rmean = horizon)$matrix
  rm <- g$restricted_mean
  check(paste(what, "rmean"), tb["rmean"], rm$rmean_days)
  check(paste(what, "se(rmean)"), tb["se(rmean)"], rm$se_days)
  check(paste(what, "median"), tb["median"], rm$median_days)
  check(paste(what, "median lower"), tb["0.95LCL"], rm$median_lower)
  check(paste(what, "median upper"), tb["0.95UCL"], rm$median_upper)
}

compare_survival <- function(js, name) {
  sel <- stays
  if (!is.na(js$cohort)) sel <- sel[sel$cohort == js$cohort, ]
  what <- sprintf("%s (by %s)", name, js$by)
  compare_km(paste(what, "all"), sel, js$all, js$horizon_days)
  if (js$by == "all") return(invisible())
  lab <- group_label(sel, js$by)
  labels <- vapply(js$groups, function(g) g$group, "")
  check(paste(what, "number of groups"), length(unique(lab)), length(labels))
  for (g in js$groups)
    compare_km(paste(what, g$group), sel[lab == g$group, ], g, js$horizon_days)
  if (length(labels) >= 2) {
    sd <- survdiff(Surv(T, e) ~ factor(lab, levels = labels), data = sel)
    lr <- js$logrank
    check(paste(what, "logrank chisq"), sd$chisq, lr$chisq)
    check(paste(what, "logrank df"), sum(sd$exp > 0) - 1, lr$df)
    check(paste(what, "logrank p"),
          pchisq(sd$chisq, sum(sd$exp > 0) - 1, lower.tail = FALSE), lr$p)
    check(paste(what, "logrank observed"), sd$obs, lr$observed)
    check(paste(what, "logrank expected"), sd$exp, lr$expected)
    check(paste(what, "logrank var"), t(sd$var), lr$var)
  }
}

# A covariate column by its design name: a column of the intervals, or a
# dummy of a fixed attribute (age_25_34, nationality_PL, cohort_2017, ...).
design_column <- function(name) {
  if (name %in% names(iv)) return(as.numeric(iv[[name]]))
  m <- regmatches(name, regexec("^(age|nationality|cohort|first_brp|sex|category)_(.*)$", name))[[1]]
  if (length(m) != 3) stop("unknown covariate ", name)
  col <- switch(m[2], age = "age_band", m[2])
  level <- if (m[2] == "age") sub("_", "-", m[3]) else m[3]
  as.numeric(as.character(iv[[col]]) == level)
}

# The rows of d (intervals in stay order, covariates X) with every run of
# adjacent intervals of one stay whose covariates are all equal merged into
# one: what inbeeld fits, which cuts a stay only where a chosen covariate
# changes. The merged row is (first start, last stop], with the last event.
merge_equal <- function(d, X) {
  n <- nrow(d)
  cont <- c(FALSE, d$stay_id[-1] == d$stay_id[-n] & d$start[-1] == d$stop[-n])
  for (v in names(X)) cont <- cont & c(FALSE, X[[v]][-1] == X[[v]][-n])
  first <- !cont
  last <- c(first[-1], TRUE)
  m <- X[first, , drop = FALSE]
  m$start <- d$start[first]
  m$stop <- d$stop[last]
  m$event <- d$event[last]
  m
}

compare_cox <- function(js, name) {
  covs <- vapply(js$coefficients, function(c) c$name, "")
  d <- iv
  if (!is.na(js$cohort)) d <- d[d$cohort == js$cohort, ]
  X <- as.data.frame(lapply(setNames(covs, covs), function(v) design_column(v)[
    if (is.na(js$cohort)) TRUE else iv$cohort == js$cohort]))
  form <- as.formula(paste("Surv(start, stop, event) ~", paste(sprintf("`%s`", covs), collapse = " + ")))
  what <- sprintf("%s (cox %s)", name, js$ties)
  # the exported intervals, cut at every factor's change: the same model
  full <- X
  full$start <- d$start
  full$stop <- d$stop
  full$event <- d$event
  ff <- coxph(form, data = full, ties = js$ties)
  X <- merge_equal(d, X)
  fit <- coxph(form, data = X, ties = js$ties)
  # merging changes no coefficient, SE, likelihood, test or concordance
  # (only the concordance's SE, a sum over rows, and the number of rows)
  fs <- summary(ff)$coefficients
  u <- paste(what, "on all intervals")
  check(paste(u, "coef"), fs[, "coef"], vapply(js$coefficients, function(c) c$coef, 0))
  check(paste(u, "se"), ifelse(is.na(fs[, "coef"]), NA, fs[, "se(coef)"]),
        vapply(js$coefficients, function(c) c$se, 0))
  check(paste(u, "loglik"), ff$loglik, c(js$loglik_null, js$loglik))
  check(paste(u, "Wald"), ff$wald.test, js$tests$wald)
  check(paste(u, "score"), ff$score, js$tests$score)
  check(paste(u, "concordance"), ff$concordance["concordance"], js$concordance$concordance)
  check(paste(u, "concordant, discordant, tied.x, tied.y"), ff$concordance[1:4],
        c(js$concordance$concordant, js$concordance$discordant,
          js$concordance$tied_x, js$concordance$tied_y))
  check(paste(u, "iterations"), ff$iter, js$iterations)
  s <- summary(fit)
  cf <- s$coefficients
  ci <- s$conf.int
  for (i in seq_along(covs)) {
    c <- js$coefficients[[i]]
    w <- paste(what, covs[i])
    check(paste(w, "coef"), cf[i, "coef"], c$coef)
    check(paste(w, "hr"), cf[i, "exp(coef)"], c$hr)
    check(paste(w, "se"), if (is.na(cf[i, "coef"])) NA else cf[i, "se(coef)"], c$se)
    check(paste(w, "z"), cf[i, "z"], c$z)
    check(paste(w, "p"), cf[i, "Pr(>|z|)"], c$p)
    check(paste(w, "hr lower"), ci[i, "lower .95"], c$hr_lower)
    check(paste(w, "hr upper"), ci[i, "upper .95"], c$hr_upper)
  }
  check(paste(what, "loglik null"), fit$loglik[1], js$loglik_null)
  check(paste(what, "loglik"), fit$loglik[2], js$loglik)
  check(paste(what, "df"), s$logtest["df"], js$df)
  check(paste(what, "LR"), s$logtest["test"], js$tests$lr)
  check(paste(what, "LR p"), s$logtest["pvalue"], js$tests$lr_p)
  check(paste(what, "Wald"), fit$wald.test, js$tests$wald)
  check(paste(what, "Wald p"), pchisq(fit$wald.test, s$waldtest["df"], lower.tail = FALSE),
        js$tests$wald_p)
  check(paste(what, "score"), s$sctest["test"], js$tests$score)
  check(paste(what, "score p"), s$sctest["pvalue"], js$tests$score_p)
  cc <- js$concordance
  check(paste(what, "concordance"), fit$concordance["concordance"], cc$concordance)
  check(paste(what, "concordance se"), fit$concordance["std"], cc$se)
  check(paste(what, "concordant"), fit$concordance["concordant"], cc$concordant)
  check(paste(what, "discordant"), fit$concordance["discordant"], cc$discordant)
  check(paste(what, "tied.x"), fit$concordance["tied.x"], cc$tied_x)
  check(paste(what, "tied.y"), fit$concordance["tied.y"], cc$tied_y)
  check(paste(what, "iterations"), fit$iter, js$iterations)
  check(paste(what, "n intervals"), fit$n, js$n_intervals)
  check(paste(what, "n events"), fit$nevent, js$n_events)
  check(paste(what, "n stays"), length(unique(d$stay_id)), js$n_stays)
  # every profile in one survfit call (one curve per row of newdata)
  nd <- as.data.frame(do.call(rbind, lapply(js$profiles, function(p) as.numeric(p$x))))
  names(nd) <- covs
  sf <- survfit(fit, newdata = nd)
  for (i in seq_along(js$profiles)) {
    p <- js$profiles[[i]]
    check(paste(what, "expected stay", p$label),
          survival:::survmean(sf[i], scale = 1, rmean = js$horizon_days)$matrix["rmean"],
          p$expected_stay_days)
  }
}

for (path in args[-1]) {
  js <- json_read(path)
  before <- n_bad
  if (js$figure == "survival") compare_survival(js, basename(path))
  else if (js$figure == "cox") compare_cox(js, basename(path))
  else stop(path, ": not a survival or cox result")
  cat(sprintf("%s: %s\n", basename(path), if (n_bad == before) "equal to R" else "DIFFERS"))
}
cat(sprintf("R comparison on exported intervals: %d figures compared, %d differ (R survival %s)\n",
            n_compared, n_bad, as.character(packageVersion("survival"))))
quit(status = if (n_bad > 0) 1 else 0)
