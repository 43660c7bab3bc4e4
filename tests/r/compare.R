# compare.R — sets inbeeld's survival figures beside R survival's for one
# case file and fails on any difference beyond relative 1e-6 (absolute 1e-9
# near zero). Usage: Rscript compare.R DRIVER CASE.csv
# The case: id,start,stop,event,group[,covariates]; a stay's time, event and
# group are those of its last interval (largest stop).
suppressPackageStartupMessages(library(survival))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) stop("usage: Rscript compare.R DRIVER CASE.csv")
driver <- args[1]
case <- args[2]
d <- read.csv(case)
covs <- setdiff(names(d), c("id", "start", "stop", "event", "group"))

last <- d[order(d$id, d$stop), ]
last <- last[!duplicated(last$id, fromLast = TRUE), ]
stays <- data.frame(T = last$stop, e = last$event, g = last$group)

# the same times, horizons and profiles go to both sides
ut <- sort(unique(stays$T))
times <- sort(unique(c(365, 1095, 1826, 3652, 0.5, head(ut, 4), head(ut, 4) + 0.5,
                       ut[ceiling(length(ut) / 2)], max(ut))))
horizons <- sort(unique(c(3652, ut[ceiling(length(ut) / 2)], max(ut), max(ut) + 10)))
profiles <- list()
if (length(covs)) {
  profiles <- list(rep(0, length(covs)), rep(1, length(covs)),
                   as.numeric(d[1, covs]), as.numeric(d[nrow(d), covs]))
}
fmt <- function(x) sprintf("%.17g", x)
prof_arg <- if (length(profiles)) paste(sapply(profiles, function(p) paste(fmt(p), collapse = ",")),
                                        collapse = ";") else "-"
out <- system2(driver, c(shQuote(case), paste(fmt(times), collapse = ","),
                         paste(fmt(horizons), collapse = ","), shQuote(prof_arg)),
               stdout = TRUE)
if (!is.null(attr(out, "status"))) stop("driver failed on ", case)
kv <- do.call(rbind, strsplit(out, ",", fixed = TRUE))
ours <- setNames(suppressWarnings(as.numeric(kv[, 2])), kv[, 1])

# A hashed environment: growing a named vector one key at a time is
# quadratic and took minutes on the random case.
ref_env <- new.env(hash = TRUE)
put <- function(key, v) assign(key, as.numeric(v), envir = ref_env)
g_ <- function(x) sprintf("%g", x)

km_keys <- function(sub, lab) {
  fit <- survfit(Surv(T, e) ~ 1, data = sub, conf.type = "log-log")
  for (i in seq_along(fit$time)) {
    for (f in c("time", "n.risk", "n.event", "n.censor", "surv", "std.err", "lower", "upper"))
      put(paste("km", lab, i, f, sep = "|"), fit[[f]][i])
  }
  s <- summary(fit, times = times)
  for (i in seq_along(s$time)) {
    for (f in c("surv", "std.err", "lower", "upper", "n.risk"))
      put(paste("ret", lab, g_(s$time[i]), f, sep = "|"), s[[f]][i])
  }
  for (h in horizons) {
    # survmean directly: summary() refuses a horizon before the first time,
    # where the restricted mean is simply the horizon (S = 1)
    tb <- survival:::survmean(fit, scale = 1, rmean = h)$matrix
    put(paste("rmean", lab, g_(h), "rmean", sep = "|"), tb["rmean"])
    put(paste("rmean", lab, g_(h), "se", sep = "|"), tb["se(rmean)"])
    put(paste("rmean", lab, g_(h), "median", sep = "|"), tb["median"])
    put(paste("rmean", lab, g_(h), "lcl", sep = "|"), tb["0.95LCL"])
    put(paste("rmean", lab, g_(h), "ucl", sep = "|"), tb["0.95UCL"])
  }
}
km_keys(stays, "all")
for (g in sort(unique(stays$g))) km_keys(stays[stays$g == g, ], paste0("g", g))

if (length(unique(stays$g)) >= 2) {
  sd <- survdiff(Surv(T, e) ~ factor(g), data = stays)
  put("logrank|chisq", sd$chisq)
  df <- sum(sd$exp > 0) - 1
  if (df < 0) {
    # no departures at all: R gives df -1 and p NaN; inbeeld df 0 and p 1
    put("logrank|df", 0)
    put("logrank|p", 1)
  } else {
    put("logrank|df", df)
    put("logrank|p", pchisq(sd$chisq, df, lower.tail = FALSE))
  }
  lv <- sort(unique(stays$g))
  for (i in seq_along(lv)) {
    put(paste0("logrank|obs|g", lv[i]), sd$obs[i])
    put(paste0("logrank|exp|g", lv[i]), sd$exp[i])
    for (j in seq_along(lv))
      put(paste0("logrank|var|g", lv[i], "|g", lv[j]), sd$var[i, j])
  }
}

if (length(covs)) {
  form <- as.formula(paste("Surv(start, stop, event) ~", paste(covs, collapse = " + ")))
  for (ties in c("efron", "breslow")) {
    k <- function(...) paste("cox", ties, ..., sep = "|")
    fit <- tryCatch(suppressWarnings(coxph(form, data = d, ties = ties)),
                    error = function(e) e)
    if (inherits(fit, "error")) {
      if (k("error") %in% names(ours)) {
        put(k("error"), ours[[k("error")]])   # both refuse
      } else {
        cat(sprintf("  note: R's coxph fails (%s); inbeeld's fit not compared\n",
                    conditionMessage(fit)))
        ours <- ours[!startsWith(names(ours), k(""))]
      }
      next
    }
    if (fit$nevent == 0) {
      # R returns an empty model; inbeeld refuses with a clear error
      if (k("error") %in% names(ours)) put(k("error"), ours[[k("error")]])
      else put(k("error"), -1)
      next
    }
    s <- summary(fit)
    cf <- s$coefficients
    ci <- s$conf.int
    for (v in covs) {
      put(k("coef", v), cf[v, "coef"])
      # R shows se 0 for an aliased (NA) coefficient; inbeeld NA
      put(k("se", v), if (is.na(cf[v, "coef"])) NA else cf[v, "se(coef)"])
      put(k("hr", v), cf[v, "exp(coef)"])
      put(k("z", v), cf[v, "z"])
      put(k("p", v), cf[v, "Pr(>|z|)"])
      put(k("lower", v), ci[v, "lower .95"])
      put(k("upper", v), ci[v, "upper .95"])
    }
    put(k("loglik0"), fit$loglik[1])
    put(k("loglik"), fit$loglik[2])
    put(k("lr"), s$logtest["test"])
    put(k("lr.p"), s$logtest["pvalue"])
    put(k("wald"), fit$wald.test)
    put(k("wald.p"), pchisq(fit$wald.test, s$waldtest["df"], lower.tail = FALSE))
    put(k("score"), s$sctest["test"])
    put(k("score.p"), s$sctest["pvalue"])
    put(k("df"), s$logtest["df"])
    put(k("iter"), fit$iter)
    put(k("concordance"), fit$concordance["concordance"])
    put(k("concordance.se"), fit$concordance["std"])
    put(k("concordant"), fit$concordance["concordant"])
    put(k("discordant"), fit$concordance["discordant"])
    put(k("tied.x"), fit$concordance["tied.x"])
    put(k("tied.y"), fit$concordance["tied.y"])
    put(k("n"), fit$n)
    put(k("nevent"), fit$nevent)
    put(k("nstays"), length(unique(d$id)))
    mn <- as.data.frame(as.list(fit$means))
    sf <- survfit(fit, newdata = mn)
    dt <- sort(unique(d$stop[d$event == 1]))
    hz <- sf$cumhaz[match(dt, sf$time)]
    for (i in seq_along(dt)) put(k("cumhaz", g_(dt[i])), hz[i])
    for (q in seq_along(profiles)) {
      nd <- as.data.frame(as.list(setNames(profiles[[q]], covs)))
      sq <- survfit(fit, newdata = nd)
      for (h in horizons)
        put(k("expstay", q, g_(h)), survival:::survmean(sq, scale = 1, rmean = h)$matrix["rmean"])
    }
  }
}

# ---------------------------------------------------------------- compare
same <- function(a, b) {
  if (is.na(a) && is.na(b)) return(TRUE)       # NA and NaN alike
  if (is.na(a) || is.na(b)) return(FALSE)
  if (is.infinite(a) || is.infinite(b)) return(a == b)
  abs(a - b) <= 1e-9 || abs(a - b) <= 1e-6 * max(abs(a), abs(b))
}
ref <- unlist(mget(ls(ref_env, all.names = TRUE), envir = ref_env))
keys <- union(names(ref), names(ours))
rv <- unname(ref)[match(keys, names(ref))]
ov <- unname(ours)[match(keys, names(ours))]
missing_r <- !(keys %in% names(ref))
missing_o <- !(keys %in% names(ours))
bad <- 0
for (i in seq_along(keys)) {
  if (missing_r[i] || missing_o[i]) {
    cat(sprintf("  %-40s R %-24s inbeeld %s\n", keys[i],
                if (missing_r[i]) "(missing)" else fmt(rv[i]),
                if (missing_o[i]) "(missing)" else fmt(ov[i])))
    bad <- bad + 1
  } else if (!same(rv[i], ov[i])) {
    cat(sprintf("  %-40s R %-24s inbeeld %-24s rel %.2g\n", keys[i], fmt(rv[i]),
                fmt(ov[i]), abs(rv[i] - ov[i]) / max(abs(rv[i]), abs(ov[i]))))
    bad <- bad + 1
  }
}
cat(sprintf("%s: %d figures compared, %d differ\n", basename(case), length(keys), bad))
quit(status = if (bad > 0) 1 else 0)
