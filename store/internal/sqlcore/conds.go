package sqlcore

import (
	"strconv"
	"strings"
)

// conds builds the WHERE clause of a tenant's list query: conditions
// joined by AND, each value bound to the next $n.
type conds struct {
	where []string
	args  []any
}

// tenantConds starts with the tenant's rows only.
func tenantConds(tenantID int64) *conds {
	return &conds{where: []string{"tenant_id = $1"}, args: []any{tenantID}}
}

// arg binds v and returns its placeholder.
func (c *conds) arg(v any) string {
	c.args = append(c.args, v)
	return "$" + strconv.Itoa(len(c.args))
}

// add appends cond; each "?" in it is bound to v.
func (c *conds) add(cond string, v any) {
	c.where = append(c.where, strings.ReplaceAll(cond, "?", c.arg(v)))
}

// keyset appends "(col, id) before (at, id)" for newest-first pages.
func (c *conds) keyset(col string, at any, id int64) {
	a, i := c.arg(at), c.arg(id)
	c.where = append(c.where, "("+col+" < "+a+" OR ("+col+" = "+a+" AND id < "+i+"))")
}

func (c *conds) sql() string { return strings.Join(c.where, " AND ") }
