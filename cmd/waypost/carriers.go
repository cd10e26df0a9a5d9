package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/waypost/waypost/carrier"
)

func init() { register(newCarriersCmd) }

// carrierRow is what `waypost carriers` says of one carrier: the directory
// entry and how this installation would reach it.
type carrierRow struct {
	carrier.Info
	connector string // registered connector serving the slug, "" if none
	auth      string // "ready", "no credentials", or "-" without a connector
	limits    string // e.g. "30/call 2/s 250/day"
}

// carrierColumn is one column of `waypost carriers`, with its JSON key,
// table heading and value.
type carrierColumn struct {
	key, heading string
	width        int // table width; 0 for the last column, -1 for JSON only
	value        func(carrierRow) string
}

var carrierColumns = []carrierColumn{
	{"slug", "SLUG", 22, func(r carrierRow) string { return r.Slug }},
	{"name", "NAME", 34, func(r carrierRow) string { return r.Name }},
	{"country", "COUNTRY", 8, func(r carrierRow) string { return r.Country }},
	{"connector", "CONNECTOR", 15, func(r carrierRow) string { return r.connector }},
	{"auth", "AUTH", 15, func(r carrierRow) string { return r.auth }},
	{"limits", "LIMITS", 26, func(r carrierRow) string { return r.limits }},
	{"website", "", -1, func(r carrierRow) string { return r.Website }},
	{"track_url", "TRACKING URL", 0, func(r carrierRow) string { return r.TrackURL }},
}

func newCarriersCmd() *cobra.Command {
	var asJSON bool
	var country, carriersFile string
	cmd := &cobra.Command{
		Use:   "carriers",
		Short: "List the carriers: slugs, names, connectors, credentials, limits, tracking pages",
		Long: `List every carrier Waypost knows, sorted by slug: its slug (used everywhere a
carrier is named), name, home country (empty for global carriers), the
connector that would track it with the current configuration (its own API,
or an aggregator such as 17track), whether credentials are configured
("ready"; a carrier's answer is the only proof they are right), the
connector's limits (numbers per call, requests per second and per day), and
its public tracking page (%s marks where the number goes).

Configuration comes from --carriers FILE and WAYPOST_<SLUG>_<FIELD>
environment variables, as for serve and track.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfgs, err := carrier.LoadConfig(carriersFile, os.LookupEnv, carrier.Drivers()...)
			if err != nil {
				return fmt.Errorf("carriers: %w", err)
			}
			var rows []carrierRow
			for _, c := range carrier.All() {
				if country != "" && !strings.EqualFold(c.Country, country) {
					continue
				}
				rows = append(rows, describeCarrier(c, cfgs))
			}
			if err := writeCarriers(cmd.OutOrStdout(), rows, asJSON); err != nil {
				return fmt.Errorf("carriers: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per line")
	cmd.Flags().StringVar(&country, "country", "", "only carriers of this country (ISO 3166-1 alpha-2)")
	cmd.Flags().StringVar(&carriersFile, "carriers", "", "carriers configuration file (JSON)")
	return cmd
}

// describeCarrier says how the configuration reaches a carrier. A slug
// without configuration is served by the connector of the same name when
// one is registered.
func describeCarrier(info carrier.Info, cfgs map[string]carrier.Config) carrierRow {
	row := carrierRow{Info: info, auth: "-"}
	cfg, configured := cfgs[info.Slug]
	cfg.Slug = info.Slug
	d, ok := carrier.DriverFor(cfg.ConnectorName())
	if !ok {
		if configured {
			row.connector = cfg.ConnectorName() + " (unknown)"
		}
		return row
	}
	row.connector = d.Name
	// An aggregator's credentials may sit under its own name.
	if cfg.HasCredentials() || cfgs[d.Name].HasCredentials() {
		row.auth = "ready"
	} else {
		row.auth = "no credentials"
	}
	row.limits = formatLimits(cfg.Limits(d.Limits))
	return row
}

func formatLimits(l carrier.Limits) string {
	var parts []string
	if l.BatchSize > 0 {
		parts = append(parts, strconv.Itoa(l.BatchSize)+"/call")
	}
	switch {
	case l.RequestsPerSecond >= 1:
		parts = append(parts, strconv.FormatFloat(l.RequestsPerSecond, 'f', -1, 64)+"/s")
	case l.RequestsPerSecond > 0:
		parts = append(parts, strconv.FormatFloat(l.RequestsPerSecond*60, 'f', -1, 64)+"/min")
	}
	if l.RequestsPerDay > 0 {
		parts = append(parts, strconv.Itoa(l.RequestsPerDay)+"/day")
	}
	return strings.Join(parts, " ")
}

func writeCarriers(w io.Writer, list []carrierRow, asJSON bool) error {
	bw := bufio.NewWriter(w)
	var b []byte
	if !asJSON {
		b = append(b, headerLine()...)
	}
	for _, c := range list {
		if asJSON {
			b = append(b, '{')
			for k, col := range carrierColumns {
				if k > 0 {
					b = append(b, ',')
				}
				b = dtJSONString(b, col.key)
				b = append(b, ':')
				b = dtJSONString(b, col.value(c))
			}
			b = append(b, "}\n"...)
		} else {
			for _, col := range carrierColumns {
				switch {
				case col.width > 0:
					b = dtCell(b, col.value(c), col.width)
				case col.width == 0:
					b = append(b, col.value(c)...)
				}
			}
			b = append(b, '\n')
		}
		if _, err := bw.Write(b); err != nil {
			return err
		}
		b = b[:0]
	}
	if _, err := bw.Write(b); err != nil {
		return err
	}
	return bw.Flush()
}

func headerLine() string {
	var b []byte
	for _, col := range carrierColumns {
		switch {
		case col.width > 0:
			b = dtCell(b, col.heading, col.width)
		case col.width == 0:
			b = append(b, col.heading...)
		}
	}
	return string(b) + "\n"
}
