package sqlite_test

import (
	"testing"

	"github.com/waypost/waypost/store/storetest"
)

func TestUsers(t *testing.T) { storetest.RunUsers(t, open) }
