package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

func init() { register(newTenantCmd) }

func newTenantCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tenant",
		Short: "Create and list tenants (sellers)",
		Long: `A tenant is one seller: every shipment, parcel and API key belongs to one, and
no tenant ever sees another's data.`,
	}
	cmd.AddCommand(newTenantCreateCmd(), newTenantListCmd())
	return cmd
}

// tenantJSON is a tenant on --json output.
type tenantJSON struct {
	ID        int64     `json:"id"`
	Slug      string    `json:"slug"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

func printTenant(w io.Writer, t shipment.Tenant, jsonMode bool) error {
	if jsonMode {
		return json.NewEncoder(w).Encode(tenantJSON{t.ID, t.Slug, t.Name, t.CreatedAt})
	}
	_, err := fmt.Fprintf(w, "%d\t%s\t%s\n", t.ID, t.Slug, t.Name)
	return err
}

func newTenantCreateCmd() *cobra.Command {
	var (
		db         dbFlags
		slug, name string
		jsonMode   bool
	)
	cmd := &cobra.Command{
		Use:     "create --slug SLUG [--name NAME]",
		Short:   "Create a tenant",
		Example: "  waypost tenant create --slug acme --name 'Acme Shop'\n  waypost key create --tenant acme --scope admin",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := db.open(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer st.Close()
			t := shipment.Tenant{Slug: slug, Name: name}
			if err := st.CreateTenant(cmd.Context(), &t); err != nil {
				if errors.Is(err, store.ErrConflict) {
					return fmt.Errorf("a tenant with slug %q already exists", slug)
				}
				return err
			}
			return printTenant(cmd.OutOrStdout(), t, jsonMode)
		},
	}
	addDBFlags(cmd.Flags(), &db)
	cmd.Flags().StringVar(&slug, "slug", "", "URL-safe handle: lower-case letters, digits, hyphens (required)")
	cmd.Flags().StringVar(&name, "name", "", "display name")
	cmd.Flags().BoolVar(&jsonMode, "json", false, "print the tenant as one JSON object")
	_ = cmd.MarkFlagRequired("slug")
	return cmd
}

func newTenantListCmd() *cobra.Command {
	var (
		db       dbFlags
		jsonMode bool
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List tenants",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := db.open(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer st.Close()
			list, err := st.(store.Keys).ListTenants(cmd.Context())
			if err != nil {
				return err
			}
			for _, t := range list {
				if err := printTenant(cmd.OutOrStdout(), t, jsonMode); err != nil {
					return err
				}
			}
			return nil
		},
	}
	addDBFlags(cmd.Flags(), &db)
	cmd.Flags().BoolVar(&jsonMode, "json", false, "one JSON object per line")
	return cmd
}
