package trackno

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// sharedDir locates /work/shared from the package directory: the shared
// tree sits beside the repository root.
func sharedDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared data %s is missing (required under CI=true): %v", dir, err)
		}
		t.Skipf("shared data %s is absent; skipping the tracking_number_data conformance test", dir)
	}
	return dir
}

// defFormat maps a tracking_number_data definition (its id, or its name
// where the id is missing) to the Waypost format that implements it.
var defFormat = map[string]string{
	"amazon_logistics": "amazon_logistics", "amazon_international": "amazon_international",
	"canada_post": "canada_post", "canpar_22": "canpar_22",
	"dhl_express": "dhl_express", "dhl_express_piece_id": "dhl_express_piece_id",
	"dhl_ecommerce": "dhl_ecommerce", "dhl_ecommerce_14": "dhl_ecommerce_14",
	"dpd": "dpd", "dpd_14": "dpd_14",
	"fedex_12": "fedex_12", "fedex_34": "fedex_34", "fedex_astra_32": "fedex_astra_32",
	"fedex_ground": "fedex_ground", "fedex_ground_sscc_18": "fedex_ground_sscc_18",
	"fedex_ground_96": "fedex_ground_96", "fedex_ground_gsn": "fedex_ground_gsn",
	"gofo_us": "gofo_us", "landmark_global": "landmark_global",
	"lasership_lx": "lasership_lx", "lasership_1ls7": "lasership_1ls7",
	"LaserShip 1LS7 (18)": "lasership_1ls7_18", "lasership_1lscx": "lasership_1lscx",
	"Old Dominion": "old_dominion", "Old Dominion Guaranteed Shipment": "old_dominion_guaranteed",
	"ontrac_c": "ontrac_c", "ontrac_d": "ontrac_d",
	"purolator_numeric": "purolator_numeric", "purolator_alpha": "purolator_alpha",
	"s10": "s10", "speedee": "speedee", "ups": "ups", "UPS Waybill": "ups_waybill",
	"usps_20": "usps_20", "usps_impb_n": "usps_impb_n", "usps_legacy": "usps_legacy",
	"usps_impb_c": "usps_impb_c", "yodel": "yodel", "yunexpress": "yunexpress",
}

// courierSlug maps the data's courier_code to Waypost carrier slugs; s10
// maps to "" because its carrier is the issuing post.
var courierSlug = map[string]string{
	"amazon": "amazon", "canada_post": "canada-post", "canpar": "canpar", "dhl": "dhl",
	"dpd": "dpd", "fedex": "fedex", "gofo": "gofo", "landmark": "landmark-global",
	"lasership": "lasership", "old_dominion": "old-dominion", "ontrac": "ontrac",
	"purolator": "purolator", "s10": "", "speedee": "speedee", "ups": "ups", "usps": "usps",
	"yodel": "yodel", "yunexpress": "yunexpress",
}

// defSlug overrides the courier's slug for definitions Waypost files under
// another carrier of the same group: DHL eCommerce is its own carrier.
var defSlug = map[string]string{"dhl_ecommerce": "dhl-ecommerce", "dhl_ecommerce_14": "dhl-ecommerce"}

type tndCourier struct {
	Name            string `json:"name"`
	CourierCode     string `json:"courier_code"`
	TrackingNumbers []struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		TestNumbers struct {
			Valid   []string `json:"valid"`
			Invalid []string `json:"invalid"`
		} `json:"test_numbers"`
	} `json:"tracking_numbers"`
}

func TestTrackingNumberDataConformance(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "data", "tracking_number_data", "couriers")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no courier files in %s: %v", dir, err)
	}
	defs, nums := 0, 0
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var c tndCourier
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		slug, ok := courierSlug[c.CourierCode]
		if !ok {
			t.Errorf("%s: courier_code %q has no Waypost slug", file, c.CourierCode)
			continue
		}
		for _, d := range c.TrackingNumbers {
			key := d.ID
			if key == "" {
				key = d.Name
			}
			fid, ok := defFormat[key]
			if !ok {
				t.Errorf("%s: definition %q has no Waypost format", file, key)
				continue
			}
			defs++
			slug := slug
			if s, ok := defSlug[key]; ok {
				slug = s
			}
			for _, num := range d.TestNumbers.Valid {
				nums++
				r := Detect(num)
				if !r.Valid {
					t.Errorf("%s/%s: valid number %q detected invalid (%s): %+v", c.CourierCode, key, num, r.Error, r.Candidates)
					continue
				}
				found := false
				for _, cand := range r.Candidates {
					if cand.Checksum == ChecksumInvalid {
						continue
					}
					if (slug != "" && cand.Carrier == slug) || (slug == "" && cand.Format == fid) {
						found = true
					}
				}
				if !found {
					t.Errorf("%s/%s: valid number %q: carrier %q (format %s) not among the holding candidates %v",
						c.CourierCode, key, num, slug, fid, summary(r))
				}
			}
			for _, num := range d.TestNumbers.Invalid {
				nums++
				r := Detect(num)
				for _, cand := range r.Candidates {
					if cand.Format == fid && cand.Checksum != ChecksumInvalid {
						t.Errorf("%s/%s: invalid number %q classified as a holding %s candidate (%s, %s)",
							c.CourierCode, key, num, fid, cand.Carrier, cand.Checksum)
					}
				}
			}
		}
	}
	if defs != 39 {
		t.Errorf("checked %d definitions, want the 39 the data has", defs)
	}
	t.Logf("checked %d definitions, %d test numbers", defs, nums)
}

func summary(r Result) []string {
	var out []string
	for _, c := range r.Candidates {
		out = append(out, c.Carrier+"/"+c.Format+"/"+c.Checksum.String())
	}
	return out
}
