package postgres_test

import (
	"testing"

	"github.com/waypost/waypost/store/storetest"
)

func TestShops(t *testing.T) { storetest.RunShops(t, open) }
