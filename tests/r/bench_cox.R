# bench_cox.R — times R's coxph on the CSV written by ib_surv_bench and
# prints its coefficients (to set beside inbeeld's).
# usage: Rscript bench_cox.R DATA.csv
suppressPackageStartupMessages(library(survival))
d <- read.csv(commandArgs(trailingOnly = TRUE)[1])
t <- system.time(f <- coxph(Surv(start, stop, event) ~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8,
                            data = d))
cat(sprintf("R coxph: %d intervals, %.2f s elapsed, %d iterations, loglik %.10g\n",
            nrow(d), t[["elapsed"]], f$iter, f$loglik[2]))
print(cbind(coef = sprintf("%.10f", coef(f)), se = sprintf("%.10f", sqrt(diag(f$var)))),
      quote = FALSE)
