package loadtest

import (
	"context"

	"github.com/odoo-mcpd/odoo-mcpd/daemon"
	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlapi"
	"github.com/odoo-mcpd/odoo-mcpd/tenant"
)

// tenantRuntime serves a tenant.Tenant to the supervisor: the tenant
// already has everything the daemon asks for except the status row, which
// is built from its statistics here.
type tenantRuntime struct {
	*tenant.Tenant
}

// NewRuntime is a daemon.Factory that builds the real tenant runtime.
func NewRuntime(cfg tenant.Config, o daemon.RuntimeOptions) (daemon.Runtime, error) {
	t, err := tenant.New(cfg, tenant.Options{Logger: o.Logger, Audit: o.Audit, ObserveOdoo: o.ObserveOdoo})
	if err != nil {
		return nil, err
	}
	return tenantRuntime{t}, nil
}

func (r tenantRuntime) Check(ctx context.Context) (ctlapi.CheckResult, error) {
	return r.Tenant.Check(ctx)
}

func (r tenantRuntime) Status() ctlapi.TenantStatus {
	cfg := r.Config()
	s := r.Stats()
	st := ctlapi.TenantStatus{
		Name:        cfg.Name,
		State:       s.State,
		URL:         cfg.URL,
		DB:          cfg.DB,
		Protocol:    s.Protocol,
		OdooVersion: s.OdooVersion,
		ReadOnly:    cfg.ReadOnly,
		Calls:       s.Calls,
		Errors:      s.Errors,
		LatencyP50:  ctlapi.Duration(s.LatencyP50),
		LatencyP99:  ctlapi.Duration(s.LatencyP99),
		LastError:   s.LastError,
	}
	if st.Protocol == "" {
		st.Protocol = cfg.Protocol
	}
	if !s.LastErrorAt.IsZero() {
		at := s.LastErrorAt
		st.LastErrorAt = &at
	}
	return st
}
