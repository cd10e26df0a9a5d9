package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/waypost/waypost/store"
	dashboard "github.com/waypost/waypost/web/app"
)

func init() { register(newUserCmd) }

func newUserCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "user",
		Short: "Manage dashboard users",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newUserCreateCmd())
	return cmd
}

func newUserCreateCmd() *cobra.Command {
	var (
		db                         dbFlags
		tenant, email, name, role  string
		password, passwordFromFile string
	)
	cmd := &cobra.Command{
		Use:   "create --tenant SLUG --email ADDRESS --role admin|agent",
		Short: "Create a user who can sign in to the dashboard",
		Long: `Create a user of one shop (tenant) who signs in to the dashboard at /app.

Admins may change settings, API keys and users; agents work shipments and
cases. The password comes from --password, WAYPOST_PASSWORD, --password-file,
or is asked for on the terminal (typed twice, not shown). It needs at least
10 characters and is stored only as a bcrypt hash.`,
		Example: `  waypost user create --tenant my-shop --email ops@example.com --role admin
  WAYPOST_PASSWORD=… waypost user create --tenant my-shop --email sam@example.com --role agent`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r := store.Role(role)
			if !r.Valid() {
				return fmt.Errorf("user create: --role must be admin or agent, not %q", role)
			}
			if tenant == "" || email == "" {
				return errors.New("user create: --tenant and --email are required")
			}
			pw, err := userPassword(cmd, password, passwordFromFile)
			if err != nil {
				return fmt.Errorf("user create: %w", err)
			}
			hash, err := dashboard.HashPassword(pw)
			if err != nil {
				return fmt.Errorf("user create: %w", err)
			}
			ctx := cmd.Context()
			st, err := db.open(ctx, true)
			if err != nil {
				return err
			}
			defer st.Close()
			users, ok := st.(store.Users)
			if !ok {
				return errors.New("user create: this database keeps no users")
			}
			tid, err := users.TenantIDBySlug(ctx, tenant)
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("user create: no shop with the slug %q", tenant)
			}
			if err != nil {
				return fmt.Errorf("user create: %w", err)
			}
			u := store.User{Email: email, Name: name, Role: r, PasswordHash: hash}
			err = users.CreateUser(ctx, tid, &u)
			switch {
			case errors.Is(err, store.ErrConflict):
				return fmt.Errorf("user create: %s already has a user %s", tenant, strings.ToLower(email))
			case err != nil:
				return fmt.Errorf("user create: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "created %s user %s (id %d) in %s\n", u.Role, u.Email, u.ID, tenant)
			return nil
		},
	}
	f := cmd.Flags()
	addDBFlags(f, &db)
	f.StringVar(&tenant, "tenant", "", "slug of the shop the user belongs to")
	f.StringVar(&email, "email", "", "the user's e-mail address (the sign-in name)")
	f.StringVar(&name, "name", "", "the user's name")
	f.StringVar(&role, "role", "agent", "admin or agent")
	f.StringVar(&password, "password", "", "the password (prefer WAYPOST_PASSWORD or the prompt: flags show in ps)")
	f.StringVar(&passwordFromFile, "password-file", "", "read the password from the first line of this file")
	return cmd
}

// userPassword returns the password from the flag (or its variable), a
// file, or a prompt on the terminal.
func userPassword(cmd *cobra.Command, flag, file string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", err
		}
		line, _, _ := strings.Cut(string(b), "\n")
		return strings.TrimRight(line, "\r"), nil
	}
	in := cmd.InOrStdin()
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		out := cmd.ErrOrStderr()
		fmt.Fprint(out, "Password: ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(out)
		if err != nil {
			return "", err
		}
		fmt.Fprint(out, "Again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(out)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", errors.New("the passwords differ")
		}
		return string(a), nil
	}
	// Not a terminal: the first line of standard input.
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password: give --password, WAYPOST_PASSWORD, --password-file or type it")
	}
	return line, nil
}
