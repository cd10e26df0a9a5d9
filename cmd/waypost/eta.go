package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/waypost/waypost/eta"
	"github.com/waypost/waypost/eta/etasim"
)

func init() { register(newETACmd) }

func newETACmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "eta",
		Short: "Delivery estimates: measure their accuracy",
		Long: `Delivery estimates come from the history of each lane (origin, destination,
carrier, service) and the stage a shipment has reached; see docs/eta.md.`,
	}
	cmd.AddCommand(newETAEvaluateCmd())
	return cmd
}

type etaEvalOptions struct {
	shipments, lanes int
	seed             uint64
	holdOut          float64
	json             bool
}

func newETAEvaluateCmd() *cobra.Command {
	var o etaEvalOptions
	cmd := &cobra.Command{
		Use:   "evaluate",
		Short: "Score delivery estimates on a simulated shipping history",
		Long: `Simulate a year of shipments over several lanes, estimate the newest ones
(held back, 30 % by default) at info received, departure from the origin
country, arrival in the destination country and out for delivery, with
statistics refreshed weekly from the deliveries completed so far, and
score each estimate against the actual delivery day.

Reports the share of deliveries inside the nominal 50/80/95 % ranges
(calibration), the median and mean absolute error of the most likely day,
and how well the probability of missing the promised date matches the
share that missed it.`,
		Example: `  waypost eta evaluate
  waypost eta evaluate --shipments 100000 --lanes 40 --seed 7 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.shipments < 100 || o.lanes < 1 || o.holdOut <= 0 || o.holdOut >= 1 {
				return fmt.Errorf("eta evaluate: need --shipments ≥ 100, --lanes ≥ 1 and 0 < --holdout < 1")
			}
			h := etasim.Generate(etasim.Options{Shipments: o.shipments, Lanes: o.lanes, Seed: o.seed})
			bar := newETABar(cmd.ErrOrStderr())
			rep := eta.Evaluate(h.Shipments, eta.EvalOptions{HoldOut: o.holdOut, Progress: func(done, total int) {
				bar.ChangeMax(total)
				_ = bar.Set(done)
			}})
			_ = bar.Finish()
			if o.json {
				return json.NewEncoder(cmd.OutOrStdout()).Encode(rep)
			}
			return printETAReport(cmd.OutOrStdout(), o, rep)
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.shipments, "shipments", 20000, "shipments to simulate")
	f.IntVar(&o.lanes, "lanes", 20, "lanes to simulate")
	f.Uint64Var(&o.seed, "seed", 1, "random seed of the simulation")
	f.Float64Var(&o.holdOut, "holdout", 0.3, "share of the newest shipments held back for scoring")
	f.BoolVar(&o.json, "json", false, "print the report as one JSON object")
	return cmd
}

// newETABar draws progress on a terminal only.
func newETABar(w io.Writer) *progressbar.ProgressBar {
	visible := false
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		visible = true
	}
	return progressbar.NewOptions(1,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetVisibility(visible),
		progressbar.OptionSetDescription("estimating"),
		progressbar.OptionShowCount(),
		progressbar.OptionClearOnFinish())
}

func printETAReport(w io.Writer, o etaEvalOptions, r eta.Report) error {
	fmt.Fprintf(w, "%d shipments on %d lanes (seed %d); %d delivered held-back shipments, %d estimates\n\n",
		r.Shipments, o.lanes, o.seed, r.HeldBack, r.Estimates)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "estimated at\testimates\tin 50% range\tin 80% range\tin 95% range\tmedian |error| d\tmean |error| d\texact day\tmiss p̂\tmissed\t")
	row := func(name string, a eta.Accuracy) {
		fmt.Fprintf(tw, "%s\t%d\t%.1f%%\t%.1f%%\t%.1f%%\t%.1f\t%.2f\t%.1f%%\t%.1f%%\t%.1f%%\t\n", name, a.Estimates,
			100*a.Coverage["50"], 100*a.Coverage["80"], 100*a.Coverage["95"], a.MedianAbsError, a.MeanAbsError,
			100*a.ExactDay, 100*a.MissPredicted, 100*a.MissObserved)
	}
	for _, st := range eta.EvalStages {
		row(st.String(), r.ByStage[st.String()])
	}
	row("all", r.Accuracy)
	return tw.Flush()
}
