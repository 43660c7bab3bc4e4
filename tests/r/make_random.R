# make_random.R — writes cases/random.csv: 5,000 seeded synthetic stays cut
# into ~20,000 counting-process intervals with 8 covariates (time-varying
# work, contract, wage ratio, partner, children, home; fixed eu), integer days
# as inbeeld's monitor produces them. Usage: Rscript make_random.R [N] [OUT]
args <- commandArgs(trailingOnly = TRUE)
n <- if (length(args) >= 1) as.integer(args[1]) else 5000L
out <- if (length(args) >= 2) args[2] else file.path(dirname(sub("--file=", "",
  grep("--file=", commandArgs(FALSE), value = TRUE))), "cases", "random.csv")
set.seed(20240611)
beta <- c(employed = -0.4, permanent = -0.6, agency = 0.3, wage_ratio = -0.25,
          partner = -0.5, children = -0.7, home_owner = -1.0, eu = 0.35)
rows <- vector("list", n)
for (i in seq_len(n)) {
  eu <- rbinom(1, 1, 0.7)
  group <- sample(0:2, 1, prob = c(0.5, 0.3, 0.2))
  cens <- sample(30:4000, 1)           # censoring day (reference date)
  t <- 0; state <- c(employed = rbinom(1, 1, 0.8), permanent = 0, agency = 0,
                     wage_ratio = 0, partner = rbinom(1, 1, 0.2), children = 0,
                     home_owner = 0)
  state["agency"] <- state["employed"] * rbinom(1, 1, 0.6)
  state["wage_ratio"] <- state["employed"] * round(runif(1, 0.8, 1.6), 2)
  out_i <- list()
  repeat {
    lp <- sum(beta[names(state)] * state) + beta["eu"] * eu
    h <- 0.0012 * exp(lp)
    t_event <- t + max(1, ceiling(rexp(1, h)))
    t_change <- t + sample(20:450, 1)
    stop <- min(t_event, t_change, cens)
    ev <- as.integer(stop == t_event && t_event <= min(t_change, cens))
    out_i[[length(out_i) + 1]] <- c(i, t, stop, ev, group, state, eu)
    if (ev == 1 || stop == cens) break
    t <- stop
    k <- sample(names(state), 1)
    if (k == "wage_ratio") state[k] <- state["employed"] * round(runif(1, 0.8, 2.4), 2)
    else if (k %in% c("permanent", "agency")) {
      state[k] <- 1 - state[k]; state["employed"] <- 1
      if (state["wage_ratio"] == 0) state["wage_ratio"] <- round(runif(1, 0.8, 1.6), 2)
    } else if (k == "employed") {
      state[k] <- 1 - state[k]
      if (state[k] == 0) state[c("permanent", "agency", "wage_ratio")] <- 0
      else state["wage_ratio"] <- round(runif(1, 0.8, 1.6), 2)
    } else state[k] <- 1 - state[k]
  }
  rows[[i]] <- do.call(rbind, out_i)
}
m <- do.call(rbind, rows)
colnames(m) <- c("id", "start", "stop", "event", "group", names(beta)[1:7], "eu")
write.csv(as.data.frame(m), out, row.names = FALSE, quote = FALSE)
cat(sprintf("%s: %d stays, %d intervals, %d events\n", out, n, nrow(m), sum(m[, "event"])))
