package sqlite_test

import (
	"testing"

	"github.com/waypost/waypost/store/storetest"
)

func TestAlertsContract(t *testing.T) { storetest.RunAlerts(t, open) }
