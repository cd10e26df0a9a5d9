package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/waypost/waypost/api"
	"github.com/waypost/waypost/store"
)

func init() { register(newKeyCmd) }

func newKeyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "key",
		Short: "Create, list and revoke API keys",
		Long: `API keys authenticate REST API calls ("Authorization: Bearer <key>"). A key
belongs to one tenant and has a scope: read, write (includes read) or admin
(includes write, and manages keys). The key is printed once, when it is
created; only its hash is stored.`,
	}
	cmd.AddCommand(newKeyCreateCmd(), newKeyListCmd(), newKeyRevokeCmd())
	return cmd
}

// keyJSON is a key on --json output; Secret only when created.
type keyJSON struct {
	ID         int64      `json:"id"`
	Tenant     string     `json:"tenant"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Scope      string     `json:"scope"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	Secret     string     `json:"secret,omitempty"`
}

func printKey(w io.Writer, tenant string, k store.APIKey, secret string, jsonMode bool) error {
	opt := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
	if jsonMode {
		return json.NewEncoder(w).Encode(keyJSON{k.ID, tenant, k.Name, k.Prefix, k.Scope, k.CreatedAt, opt(k.LastUsedAt), opt(k.RevokedAt), secret})
	}
	if secret != "" {
		_, err := fmt.Fprintf(w, "%s\n\nkey %d (%s, scope %s) of tenant %s. It is shown only now: store it safely.\n", secret, k.ID, k.Prefix, k.Scope, tenant)
		return err
	}
	state := "active"
	if !k.RevokedAt.IsZero() {
		state = "revoked " + k.RevokedAt.Format(time.RFC3339)
	}
	used := "never used"
	if !k.LastUsedAt.IsZero() {
		used = "used " + k.LastUsedAt.Format(time.RFC3339)
	}
	_, err := fmt.Fprintf(w, "%d\t%s…\t%s\t%s\t%s\t%s\n", k.ID, k.Prefix, k.Scope, k.Name, used, state)
	return err
}

// keyStore opens the database and finds the tenant by slug.
func keyStore(ctx context.Context, db *dbFlags, slug string) (database, store.Keys, int64, error) {
	st, err := db.open(ctx, true)
	if err != nil {
		return nil, nil, 0, err
	}
	keys := st.(store.Keys)
	t, err := keys.FindTenantBySlug(ctx, slug)
	if err != nil {
		st.Close()
		return nil, nil, 0, fmt.Errorf("tenant %q: %w", slug, err)
	}
	return st, keys, t.ID, nil
}

func newKeyCreateCmd() *cobra.Command {
	var (
		db                  dbFlags
		tenant, scope, name string
		jsonMode            bool
	)
	cmd := &cobra.Command{
		Use:     "create --tenant SLUG --scope read|write|admin [--name NAME]",
		Short:   "Create an API key and print it (once)",
		Example: "  waypost key create --tenant acme --scope write --name 'shop sync'",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, keys, tenantID, err := keyStore(cmd.Context(), &db, tenant)
			if err != nil {
				return err
			}
			defer st.Close()
			secret, hash, prefix := api.GenerateKey()
			k := store.APIKey{TenantID: tenantID, Name: name, Prefix: prefix, Hash: hash, Scope: scope}
			if err := keys.CreateAPIKey(cmd.Context(), &k); err != nil {
				return err
			}
			return printKey(cmd.OutOrStdout(), tenant, k, secret, jsonMode)
		},
	}
	addDBFlags(cmd.Flags(), &db)
	cmd.Flags().StringVar(&tenant, "tenant", "", "slug of the tenant (required)")
	cmd.Flags().StringVar(&scope, "scope", store.ScopeRead, "read, write or admin")
	cmd.Flags().StringVar(&name, "name", "", "what the key is for")
	cmd.Flags().BoolVar(&jsonMode, "json", false, "print one JSON object, with the key in \"secret\"")
	_ = cmd.MarkFlagRequired("tenant")
	return cmd
}

func newKeyListCmd() *cobra.Command {
	var (
		db       dbFlags
		tenant   string
		jsonMode bool
	)
	cmd := &cobra.Command{
		Use:   "list --tenant SLUG",
		Short: "List a tenant's API keys (never the keys themselves)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, keys, tenantID, err := keyStore(cmd.Context(), &db, tenant)
			if err != nil {
				return err
			}
			defer st.Close()
			list, err := keys.ListAPIKeys(cmd.Context(), tenantID)
			if err != nil {
				return err
			}
			for _, k := range list {
				if err := printKey(cmd.OutOrStdout(), tenant, k, "", jsonMode); err != nil {
					return err
				}
			}
			return nil
		},
	}
	addDBFlags(cmd.Flags(), &db)
	cmd.Flags().StringVar(&tenant, "tenant", "", "slug of the tenant (required)")
	cmd.Flags().BoolVar(&jsonMode, "json", false, "one JSON object per line")
	_ = cmd.MarkFlagRequired("tenant")
	return cmd
}

func newKeyRevokeCmd() *cobra.Command {
	var (
		db     dbFlags
		tenant string
	)
	cmd := &cobra.Command{
		Use:   "revoke --tenant SLUG ID",
		Short: "Revoke an API key (running servers notice within 10 seconds)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("key id %q: not a number", args[0])
			}
			st, keys, tenantID, err := keyStore(cmd.Context(), &db, tenant)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := keys.RevokeAPIKey(cmd.Context(), tenantID, id, time.Now()); err != nil {
				return fmt.Errorf("key %d of tenant %s: %w", id, tenant, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "key %d revoked\n", id)
			return nil
		},
	}
	addDBFlags(cmd.Flags(), &db)
	cmd.Flags().StringVar(&tenant, "tenant", "", "slug of the tenant (required)")
	_ = cmd.MarkFlagRequired("tenant")
	return cmd
}
