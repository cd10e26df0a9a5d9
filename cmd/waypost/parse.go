package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/waypost/waypost/carrier"
	// Connectors register themselves with the carrier registry; the binary
	// includes every connector imported here, for all commands.
)

func init() { register(newParseCmd) }

func newParseCmd() *cobra.Command {
	var slug string
	cmd := &cobra.Command{
		Use:   "parse --carrier SLUG FILE",
		Short: "Turn a saved carrier API answer into normalised events",
		Long: `Parse reads one saved answer of a carrier's tracking API (FILE, or - for
standard input) and prints its events, oldest first, one JSON object per line:
tracking_number, status, substatus, time (RFC 3339 UTC), local_time, zone,
utc_offset, offset_source, location, city, state, postal_code, country, code,
text, language, hash. Numbers the carrier does not know are reported on
standard error. No network access is made.`,
		Example: "  waypost parse --carrier ups answer.json\n  curl ... | waypost parse --carrier fedex -",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if d, ok := carrier.DriverFor(slug); !ok || d.Parse == nil {
				return fmt.Errorf("parse: no parser for carrier %q (available: %s)", slug, strings.Join(carrier.Drivers(), ", "))
			}
			body, err := parseReadInput(cmd.InOrStdin(), args[0])
			if err != nil {
				return err
			}
			results, err := carrier.Parse(slug, body)
			if err != nil {
				return fmt.Errorf("parse %s: %w", args[0], err)
			}
			return parseWrite(cmd.OutOrStdout(), cmd.ErrOrStderr(), results)
		},
	}
	cmd.Flags().StringVar(&slug, "carrier", "", "connector that produced the answer (e.g. ups, fedex)")
	_ = cmd.MarkFlagRequired("carrier")
	return cmd
}

// parseReadInput reads FILE or standard input, within the size limit the
// HTTP layer applies to carrier answers.
func parseReadInput(stdin io.Reader, name string) ([]byte, error) {
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("parse: %w", err)
		}
		defer f.Close()
		r = f
	}
	body, err := io.ReadAll(io.LimitReader(r, carrier.DefaultMaxBodyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("parse: reading %s: %w", name, err)
	}
	if len(body) > carrier.DefaultMaxBodyBytes {
		return nil, fmt.Errorf("parse: %s exceeds %d bytes", name, carrier.DefaultMaxBodyBytes)
	}
	return body, nil
}

// parseLine is one output line. Status and substatus are always present,
// empty for events that carry no status meaning.
type parseLine struct {
	TrackingNumber string `json:"tracking_number"`
	UniqueID       string `json:"unique_id,omitempty"`
	Status         string `json:"status"`
	Substatus      string `json:"substatus"`
	Time           string `json:"time"`
	LocalTime      string `json:"local_time"`
	Zone           string `json:"zone"`
	UTCOffset      int    `json:"utc_offset"`
	OffsetSource   string `json:"offset_source"`
	Location       string `json:"location"`
	City           string `json:"city,omitempty"`
	State          string `json:"state,omitempty"`
	PostalCode     string `json:"postal_code,omitempty"`
	Country        string `json:"country"`
	Code           string `json:"code"`
	Text           string `json:"text"`
	Language       string `json:"language,omitempty"`
	Hash           string `json:"hash"`
}

// parseWrite prints the events of all results; a not-found number is a
// notice, a per-number error makes the command fail after printing the rest.
func parseWrite(stdout, stderr io.Writer, results []carrier.Result) error {
	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	failed := 0
	for _, r := range results {
		number := r.TrackingNumber
		if number == "" {
			number = "(no number)"
		}
		switch {
		case r.Err != nil:
			failed++
			fmt.Fprintf(stderr, "waypost: parse: %s: %v\n", number, r.Err)
			continue
		case !r.Found:
			fmt.Fprintf(stderr, "waypost: parse: %s: not found: %s\n", number, r.NotFound)
			continue
		}
		for _, e := range r.Events {
			l := parseLine{
				TrackingNumber: r.TrackingNumber, UniqueID: r.UniqueID,
				Status: string(e.Status), Substatus: string(e.Substatus),
				Time: e.Time.UTC().Format(time.RFC3339Nano), LocalTime: e.LocalTime, Zone: e.Zone,
				UTCOffset: e.UTCOffset, OffsetSource: string(e.OffsetSource),
				Location: e.Location.Text, City: e.Location.City, State: e.Location.State,
				PostalCode: e.Location.PostalCode, Country: e.Location.Country,
				Code: e.Code, Text: e.Text, Language: e.Language, Hash: e.Hash,
			}
			if err := enc.Encode(l); err != nil {
				return fmt.Errorf("parse: %w", err)
			}
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("parse: %w", err)
	}
	if failed > 0 {
		return exitError{1}
	}
	return nil
}
