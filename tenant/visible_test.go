package tenant

import "testing"

// TestVisibleFieldsFollowUpdate checks that the per-model cache of visible
// fields belongs to one settings generation: hiding a field by Update
// takes effect on the next call, though the model's fields were looked up
// (and cached) before.
func TestVisibleFieldsFollowUpdate(t *testing.T) {
	s := newSimHarness(t, nil)
	args := map[string]any{"model": "res.partner", "fields": []any{"name", "comment"}, "limit": 1}
	s.ok("search_records", args)

	cfg := s.tn.Config()
	cfg.HiddenFields = []string{"comment"}
	if err := s.tn.Update(cfg); err != nil {
		t.Fatal(err)
	}
	s.fails("search_records", args, "hidden")
	s.fails("search_records", map[string]any{"model": "res.partner", "domain": []any{[]any{"comment", "!=", false}}}, "comment")

	cfg.HiddenFields = nil
	if err := s.tn.Update(cfg); err != nil {
		t.Fatal(err)
	}
	s.ok("search_records", args)
}
