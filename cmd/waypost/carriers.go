package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/waypost/waypost/carrier"
)

func init() { register(newCarriersCmd) }

// carrierColumn is one column of `waypost carriers`. Later facts about a
// carrier (its connector, auth state, limits) are added as columns here,
// each with its JSON key, table heading and value.
type carrierColumn struct {
	key, heading string
	width        int // table width; 0 for the last column
	value        func(carrier.Info) string
}

var carrierColumns = []carrierColumn{
	{"slug", "SLUG", 24, func(i carrier.Info) string { return i.Slug }},
	{"name", "NAME", 42, func(i carrier.Info) string { return i.Name }},
	{"country", "COUNTRY", 8, func(i carrier.Info) string { return i.Country }},
	{"website", "", -1, func(i carrier.Info) string { return i.Website }},
	{"track_url", "TRACKING URL", 0, func(i carrier.Info) string { return i.TrackURL }},
}

func newCarriersCmd() *cobra.Command {
	var asJSON bool
	var country string
	cmd := &cobra.Command{
		Use:   "carriers",
		Short: "List the carrier directory: slugs, names, countries, tracking pages",
		Long: `List every carrier Waypost knows, sorted by slug: its slug (used everywhere a
carrier is named), name, home country (empty for global carriers) and public
tracking page (%s marks where the number goes).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			list := carrier.All()
			if country != "" {
				kept := list[:0]
				for _, c := range list {
					if strings.EqualFold(c.Country, country) {
						kept = append(kept, c)
					}
				}
				list = kept
			}
			if err := writeCarriers(cmd.OutOrStdout(), list, asJSON); err != nil {
				return fmt.Errorf("carriers: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per line")
	cmd.Flags().StringVar(&country, "country", "", "only carriers of this country (ISO 3166-1 alpha-2)")
	return cmd
}

func writeCarriers(w io.Writer, list []carrier.Info, asJSON bool) error {
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
