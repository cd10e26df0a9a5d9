package postgres_test

import (
	"testing"

	"github.com/waypost/waypost/store/storetest"
)

func TestKeys(t *testing.T) { storetest.RunKeys(t, open) }
