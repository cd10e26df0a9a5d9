package sqlite_test

import (
	"testing"

	"github.com/waypost/waypost/store/storetest"
)

func TestNotifySettings(t *testing.T) { storetest.RunNotifySettings(t, open) }
