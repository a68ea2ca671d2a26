package daemon

import (
	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlapi"
	"github.com/odoo-mcpd/odoo-mcpd/tenant"
)

// NewTenantRuntime is the Factory the daemon uses unless told otherwise:
// a tenant from package tenant.
func NewTenantRuntime(cfg tenant.Config, o RuntimeOptions) (Runtime, error) {
	t, err := tenant.New(cfg, tenant.Options{Logger: o.Logger, Audit: o.Audit, ObserveOdoo: o.ObserveOdoo})
	if err != nil {
		return nil, err
	}
	return tenantRuntime{t}, nil
}

type tenantRuntime struct{ *tenant.Tenant }

func (r tenantRuntime) Status() ctlapi.TenantStatus {
	s := r.Stats()
	c := r.Config()
	st := ctlapi.TenantStatus{
		Name:        c.Name,
		State:       s.State,
		URL:         c.URL,
		DB:          c.DB,
		Protocol:    s.Protocol,
		OdooVersion: s.OdooVersion,
		ReadOnly:    c.ReadOnly,
		Calls:       s.Calls,
		Errors:      s.Errors,
		LatencyP50:  ctlapi.Duration(s.LatencyP50),
		LatencyP99:  ctlapi.Duration(s.LatencyP99),
		LastError:   s.LastError,
	}
	if st.Protocol == "" {
		st.Protocol = c.Protocol
	}
	if !s.LastErrorAt.IsZero() {
		at := s.LastErrorAt
		st.LastErrorAt = &at
	}
	return st
}
