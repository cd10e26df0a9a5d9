package postgres_test

import (
	"testing"

	"github.com/waypost/waypost/store/storetest"
)

func TestTrackingPages(t *testing.T) { storetest.RunTrackingPages(t, open) }
