package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/carrier/sandbox"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/trackno"
	// Connectors register themselves with the carrier registry.
)

func init() { register(newTrackCmd) }

// trackOptions are the flags of `waypost track`.
type trackOptions struct {
	carrier      string
	json         bool
	carriersFile string
	sandbox      bool
	timeout      time.Duration
}

func newTrackCmd() *cobra.Command {
	var o trackOptions
	cmd := &cobra.Command{
		Use:   "track [--carrier SLUG] [--json] NUMBER",
		Short: "Ask a carrier about one tracking number and print its timeline",
		Long: `Track asks the carrier's API about NUMBER once, through the configured
connector, and prints the normalised timeline, oldest first: the time at the
event's place with its UTC offset, the place, the status and the carrier's text.
With --json it prints one JSON object per event with the keys of
'waypost parse': tracking_number, status, substatus, time (RFC 3339 UTC),
local_time, zone, utc_offset, offset_source, location, country, code, text.

Without --carrier the carrier is recognised from the number. Credentials come
from the carriers file (--carriers) and WAYPOST_<SLUG>_<FIELD> variables, e.g.
WAYPOST_UPS_CLIENT_ID and WAYPOST_UPS_CLIENT_SECRET.

--sandbox starts the carrier sandbox inside the process and tracks a scripted
parcel through the real connector and HTTP path: no credentials needed. Give
a NUMBER from an earlier run, or none to get an example.

Exit status: 0 when events were printed, 1 when the carrier does not know the
number or the call failed.`,
		Example: `  waypost track --sandbox
  waypost track --sandbox --carrier fedex --json
  WAYPOST_UPS_CLIENT_ID=... WAYPOST_UPS_CLIENT_SECRET=... waypost track 1Z5R89390357567127`,
		Args: func(cmd *cobra.Command, args []string) error {
			if o.sandbox {
				return cobra.MaximumNArgs(1)(cmd, args)
			}
			return cobra.ExactArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			number := ""
			if len(args) > 0 {
				number = args[0]
			}
			return runTrack(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), o, number)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.carrier, "carrier", "", "carrier slug (e.g. ups, fedex); recognised from the number when empty")
	f.BoolVar(&o.json, "json", false, "print one JSON object per event")
	f.StringVar(&o.carriersFile, "carriers", "", "carriers configuration file (JSON)")
	f.BoolVar(&o.sandbox, "sandbox", false, "track a scripted parcel on an in-process carrier sandbox")
	f.DurationVar(&o.timeout, "timeout", time.Minute, "give up after this long, retries included")
	return cmd
}

func runTrack(ctx context.Context, stdout, stderr io.Writer, o trackOptions, number string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	var (
		cfg carrier.Config
		err error
	)
	if o.sandbox {
		var stop func()
		cfg, number, stop, err = trackSandbox(stderr, o.carrier, number)
		if err != nil {
			return err
		}
		defer stop()
		o.carrier = cfg.Slug
	} else {
		number = strings.TrimSpace(number)
		if o.carrier == "" {
			if o.carrier, err = trackDetect(number); err != nil {
				return err
			}
		}
		cfgs, err := carrier.LoadConfig(o.carriersFile, os.LookupEnv, append(carrier.Drivers(), o.carrier)...)
		if err != nil {
			return fmt.Errorf("track: %w", err)
		}
		c, ok := cfgs[o.carrier]
		if !ok {
			return fmt.Errorf("track: carrier %q is not configured: put it in the carriers file or set %sCLIENT_ID, %sAPI_KEY, ... (or try --sandbox)",
				o.carrier, carrier.EnvPrefix(o.carrier), carrier.EnvPrefix(o.carrier))
		}
		cfg = c
	}
	conn, err := carrier.Open(o.carrier, cfg)
	if err != nil {
		return fmt.Errorf("track: %w", err)
	}
	res, err := conn.Track(ctx, []carrier.Request{{TrackingNumber: number}})
	if err != nil {
		fmt.Fprintf(stderr, "waypost track: %s %s: %v\n", o.carrier, number, err)
		return exitError{1}
	}
	if len(res) != 1 {
		return fmt.Errorf("track: %s answered %d results for one number", o.carrier, len(res))
	}
	r := res[0]
	switch {
	case r.Err != nil:
		fmt.Fprintf(stderr, "waypost track: %s %s: %v\n", o.carrier, number, r.Err)
		return exitError{1}
	case !r.Found:
		fmt.Fprintf(stderr, "waypost track: %s %s: not found: %s\n", o.carrier, number, r.NotFound)
		return exitError{1}
	}
	if r.TrackingNumber == "" {
		r.TrackingNumber = number
	}
	if o.json {
		return trackWriteJSON(stdout, r)
	}
	return trackWriteTable(stdout, o.carrier, r)
}

// trackDetect picks the best carrier for number that has a connector.
func trackDetect(number string) (string, error) {
	res := trackno.Detect(number)
	if !res.Valid && len(res.Candidates) == 0 {
		return "", fmt.Errorf("track: %q is not a tracking number we recognise (%s); name the carrier with --carrier", number, res.Error)
	}
	var names []string
	for _, c := range res.Candidates {
		if c.Carrier == "" {
			continue
		}
		if _, ok := carrier.DriverFor(c.Carrier); ok {
			return c.Carrier, nil
		}
		names = append(names, c.Carrier)
	}
	return "", fmt.Errorf("track: no connector for %q (it looks like %s); name the carrier with --carrier (connectors: %s)",
		number, strings.Join(names, ", "), strings.Join(carrier.Drivers(), ", "))
}

// trackSandbox starts an in-process sandbox serving recent scripted
// journeys and returns the configuration that points the connector at it,
// the number to track, and a function that stops it.
func trackSandbox(stderr io.Writer, slug, number string) (carrier.Config, string, func(), error) {
	var served []string
	for _, d := range sandbox.Dialects() {
		if _, ok := carrier.DriverFor(d); ok {
			served = append(served, d)
		}
	}
	if slug == "" && number != "" {
		if s, err := trackDetect(number); err == nil && slices.Contains(served, s) {
			slug = s
		}
	}
	if slug == "" {
		slug = served[0]
	}
	if !slices.Contains(served, slug) {
		return carrier.Config{}, "", nil, fmt.Errorf("track: the sandbox has no %q carrier (it has %s)", slug, strings.Join(served, ", "))
	}
	// Journeys that started over the last three weeks, so the example is at
	// a realistic stage today. The seed is fixed: numbers stay valid from
	// one run to the next on the same day.
	now := time.Now().UTC().Truncate(time.Hour)
	start := now.Add(-21 * 24 * time.Hour).Truncate(24 * time.Hour)
	js := sandbox.Generate(sandbox.Options{Seed: 1, N: 200, Carriers: []string{slug}, Start: start, Spread: 14 * 24 * time.Hour})
	srv, err := sandbox.Start(sandbox.ServerOptions{Clock: sandbox.NewClock(now, 0), Journeys: js, Carriers: []string{slug}})
	if err != nil {
		return carrier.Config{}, "", nil, fmt.Errorf("track: %w", err)
	}
	stop := func() { _ = srv.Close() }
	if number == "" {
		number = sandboxExample(js, slug, now)
		var others []string
		for _, j := range js[:min(6, len(js))] {
			if n := j.Legs[j.LegOf(slug)].Number; n != number {
				others = append(others, n)
			}
		}
		fmt.Fprintf(stderr, "sandbox: %s at %s; tracking %s (others: %s)\n",
			srv.BaseURL(slug), now.Format(time.RFC3339), number, strings.Join(others, " "))
	}
	return srv.Config(slug), number, stop, nil
}

// sandboxExample picks a journey worth showing: one that met customs
// trouble and has reached its end, else the one with the most events.
func sandboxExample(js []*sandbox.Journey, slug string, now time.Time) string {
	best, most := "", -1
	for _, j := range js {
		leg := j.LegOf(slug)
		n := len(j.Visible(leg, now))
		if j.Scenario == sandbox.ScenarioCustomsHeld && !j.Last().After(now) {
			return j.Legs[leg].Number
		}
		if n > most {
			best, most = j.Legs[leg].Number, n
		}
	}
	return best
}

// trackLine is one event of --json output; the keys are those of
// `waypost parse`.
type trackLine struct {
	TrackingNumber string `json:"tracking_number"`
	Status         string `json:"status"`
	Substatus      string `json:"substatus"`
	Time           string `json:"time"`
	LocalTime      string `json:"local_time"`
	Zone           string `json:"zone"`
	UTCOffset      int    `json:"utc_offset"`
	OffsetSource   string `json:"offset_source"`
	Location       string `json:"location"`
	Country        string `json:"country"`
	Code           string `json:"code"`
	Text           string `json:"text"`
}

func trackWriteJSON(w io.Writer, r carrier.Result) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, e := range r.Events {
		if err := enc.Encode(trackLine{
			TrackingNumber: r.TrackingNumber, Status: string(e.Status), Substatus: string(e.Substatus),
			Time: e.Time.UTC().Format(time.RFC3339Nano), LocalTime: e.LocalTime, Zone: e.Zone,
			UTCOffset: e.UTCOffset, OffsetSource: string(e.OffsetSource),
			Location: trackPlace(e.Location), Country: e.Location.Country, Code: e.Code, Text: e.Text,
		}); err != nil {
			return fmt.Errorf("track: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("track: %w", err)
	}
	return nil
}

// trackWriteTable prints the timeline for a terminal. Times are the wall
// clock where the event happened, with its offset; "~" marks an offset the
// connector assumed from the place, "?" a time whose offset is unknown.
func trackWriteTable(w io.Writer, slug string, r carrier.Result) error {
	bw := bufio.NewWriter(w)
	last := r.Events[len(r.Events)-1]
	current := last
	for i := len(r.Events) - 1; i >= 0; i-- {
		if r.Events[i].HasStatus() {
			current = r.Events[i]
			break
		}
	}
	fmt.Fprintf(bw, "%s  %s  %s  (%d events)\n\n", slug, r.TrackingNumber, current.Substatus, len(r.Events))
	fmt.Fprintf(bw, "%-27s %-34s %-40s %s\n", "TIME (LOCAL)", "LOCATION", "STATUS", "TEXT")
	for _, e := range r.Events {
		fmt.Fprintf(bw, "%-27s %s %-40s %s\n", trackTime(e), trackCell(trackPlace(e.Location), 34), orDash(string(e.Substatus)), oneLine(e.Text))
	}
	if r.ETA != nil {
		fmt.Fprintf(bw, "\nestimated delivery: %s %s\n", r.ETA.Date, strings.TrimSpace(r.ETA.From+"-"+r.ETA.To))
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("track: %w", err)
	}
	return nil
}

func trackTime(e shipment.Event) string {
	local, err := time.Parse(carrier.LocalLayout, e.LocalTime)
	if err != nil {
		local = e.Time.UTC()
	}
	s := local.Format("2006-01-02 15:04")
	switch e.OffsetSource {
	case shipment.OffsetNone, "":
		return s + " ?"
	case shipment.OffsetAssumed:
		return s + " " + carrier.FormatOffset(e.UTCOffset) + "~"
	}
	return s + " " + carrier.FormatOffset(e.UTCOffset)
}

func trackPlace(l shipment.Location) string {
	if l.Text != "" {
		return l.Text
	}
	var parts []string
	for _, p := range []string{l.City, l.State, l.PostalCode, l.Country} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// trackCell pads or cuts s to width runes.
func trackCell(s string, width int) string {
	s = oneLine(s)
	if s == "" {
		s = "-"
	}
	n := utf8.RuneCountInString(s)
	if n > width {
		r := []rune(s)
		return string(r[:width-1]) + "…"
	}
	return s + strings.Repeat(" ", width-n)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
