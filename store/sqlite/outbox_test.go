package sqlite_test

import (
	"testing"

	"github.com/waypost/waypost/store/storetest"
)

func TestOutbox(t *testing.T) { storetest.RunOutbox(t, open) }
