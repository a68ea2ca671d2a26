package odootest

import (
	"strings"
)

// pyErr is a Python exception as Odoo would raise it. The XML-RPC layer
// turns it into a fault following NOTES.md's fault table; JSON-2 into its
// status table.
type pyErr struct {
	class  string // qualified class; builtins without module ("ValueError")
	msg    string
	frames string // traceback frames, each "  File ...\n    code\n"
	cause  *pyErr // printed first, then "During handling of the above exception..."
	// arg is the exception's argument when str() differs from it (a
	// KeyError prints its key quoted); JSON error bodies carry the argument.
	arg string
}

// message is what JSON error bodies report as "message" and "arguments".
func (e *pyErr) message() string {
	if e.arg != "" {
		return e.arg
	}
	return e.msg
}

func (e *pyErr) Error() string { return e.class + ": " + e.msg }

const (
	clsAccessDenied = "odoo.exceptions.AccessDenied"
	clsAccessError  = "odoo.exceptions.AccessError"
	clsUserError    = "odoo.exceptions.UserError"
	clsValidation   = "odoo.exceptions.ValidationError"
	clsMissing      = "odoo.exceptions.MissingError"
)

func errAccessDenied() *pyErr { return &pyErr{class: clsAccessDenied, msg: "Access Denied"} }
func errAccess(msg string) *pyErr {
	return &pyErr{class: clsAccessError, msg: msg}
}
func errUser(msg string) *pyErr       { return &pyErr{class: clsUserError, msg: msg} }
func errValidation(msg string) *pyErr { return &pyErr{class: clsValidation, msg: msg} }
func errMissing(msg string) *pyErr    { return &pyErr{class: clsMissing, msg: msg} }

// errValue is the ValueError most ORM argument checks raise.
func errValue(msg, frames string) *pyErr {
	return &pyErr{class: "ValueError", msg: msg, frames: framesCallKW + frames}
}

// errType is a TypeError, typically a bad call signature.
func errType(msg string) *pyErr {
	return &pyErr{class: "TypeError", msg: msg, frames: framesCallKW}
}

// faultCode is the XML-RPC faultCode Odoo's xmlrpc_handle_exception_int gives.
func (e *pyErr) faultCode() int {
	switch e.class {
	case clsAccessDenied:
		return 3
	case clsAccessError:
		return 4
	case clsUserError, clsValidation, clsMissing, "odoo.exceptions.LockError", "odoo.exceptions.RedirectWarning":
		return 2
	}
	return 1
}

// faultString is the message for codes 2-4 and the full traceback for 1.
func (e *pyErr) faultString() string {
	if e.faultCode() != 1 {
		return e.msg
	}
	return e.traceback()
}

// traceback renders the exception as traceback.format_exception would.
func (e *pyErr) traceback() string {
	var b strings.Builder
	if e.cause != nil {
		b.WriteString(e.cause.traceback())
		b.WriteString("\nDuring handling of the above exception, another exception occurred:\n\n")
	}
	b.WriteString("Traceback (most recent call last):\n")
	frames := e.frames
	if frames == "" {
		frames = framesCallKW
	}
	b.WriteString(frames)
	b.WriteString(e.class)
	if e.msg != "" {
		b.WriteString(": ")
		b.WriteString(e.msg)
	}
	b.WriteString("\n")
	return b.String()
}

// jsonName is the class path JSON-RPC and JSON-2 report ("builtins.ValueError").
func (e *pyErr) jsonName() string {
	if !strings.Contains(e.class, ".") {
		return "builtins." + e.class
	}
	return e.class
}

// Traceback frames, taken from the shape of a Debian-packaged Odoo 18.
const framesRPC = `  File "/usr/lib/python3/dist-packages/odoo/addons/base/controllers/rpc.py", line 165, in xmlrpc_2
    response = self._xmlrpc(service)
               ^^^^^^^^^^^^^^^^^^^^^
`

const framesLoads = framesRPC + `  File "/usr/lib/python3/dist-packages/odoo/addons/base/controllers/rpc.py", line 138, in _xmlrpc
    params, method = xmlrpc.client.loads(data, use_datetime=True)
                     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/xmlrpc/client.py", line 1030, in loads
    p.close()
  File "/usr/lib/python3.11/xmlrpc/client.py", line 460, in close
    parser.Parse(b"", True) # end of data
    ^^^^^^^^^^^^^^^^^^^^^^^
`

const framesDumps = framesRPC + `  File "/usr/lib/python3/dist-packages/odoo/addons/base/controllers/rpc.py", line 140, in _xmlrpc
    return xmlrpc.client.dumps((result,), methodresponse=1, allow_none=False)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/xmlrpc/client.py", line 968, in dumps
    data = m.dumps(params)
           ^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/xmlrpc/client.py", line 501, in dumps
    dump(v, write)
  File "/usr/lib/python3.11/xmlrpc/client.py", line 523, in __dump
    f(self, value, write)
`

const framesDispatchRPC = framesRPC + `  File "/usr/lib/python3/dist-packages/odoo/addons/base/controllers/rpc.py", line 139, in _xmlrpc
    result = dispatch_rpc(service, method, params)
             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
`

const framesDispatch = framesDispatchRPC + `  File "/usr/lib/python3/dist-packages/odoo/http.py", line 412, in dispatch_rpc
    return dispatch(method, params)
           ^^^^^^^^^^^^^^^^^^^^^^^^
`

const framesUnknownService = framesDispatchRPC + `  File "/usr/lib/python3/dist-packages/odoo/http.py", line 411, in dispatch_rpc
    dispatch = rpc_dispatchers[service_name]
               ~~~~~~~~~~~~~~~^^^^^^^^^^^^^^
`

const framesCommon = framesDispatch + `  File "/usr/lib/python3/dist-packages/odoo/service/common.py", line 60, in dispatch
    raise Exception("Method not found: %s" % method)
`

const framesDB = framesDispatch + `  File "/usr/lib/python3/dist-packages/odoo/service/db.py", line 474, in dispatch
    raise KeyError("Method not found: %s" % method)
`

const framesExecute = framesDispatch + `  File "/usr/lib/python3/dist-packages/odoo/service/model.py", line 58, in dispatch
    res = execute_kw(db, uid, *params[3:])
          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/odoo/service/model.py", line 81, in execute_kw
    return execute(db, uid, obj, method, *args, **kw or {})
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/odoo/service/model.py", line 87, in execute
    res = execute_cr(cr, uid, obj, method, *args, **kw)
          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
`

const framesPublicMethod = framesExecute + `  File "/usr/lib/python3/dist-packages/odoo/service/model.py", line 71, in execute_cr
    get_public_method(recs, method)  # Don't use the result, call_kw will redo the getattr
    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/odoo/service/model.py", line 38, in get_public_method
    raise AttributeError(f"The method '{model._name}.{name}' does not exist")  # noqa: TRY004
    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
`

const framesCallKW = framesExecute + `  File "/usr/lib/python3/dist-packages/odoo/service/model.py", line 72, in execute_cr
    result = retrying(partial(odoo.api.call_kw, recs, method, args, kw), env)
             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/odoo/service/model.py", line 156, in retrying
    result = func()
             ^^^^^^
  File "/usr/lib/python3/dist-packages/odoo/api.py", line 535, in call_kw
    result = getattr(recs, name)(*args, **kwargs)
             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
`

const framesWhereCalc = `  File "/usr/lib/python3/dist-packages/odoo/models.py", line 1773, in search_fetch
    query = self._search(domain, offset=offset, limit=limit, order=order or self._order)
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/odoo/models.py", line 5796, in _search
    query = self._where_calc(domain)
            ^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/odoo/models.py", line 5547, in _where_calc
    return expression.expression(domain, self).query
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
`

const framesAnyfy = framesWhereCalc + `  File "/usr/lib/python3/dist-packages/odoo/osv/expression.py", line 781, in __init__
    self.expression = domain_combine_anies(domain, model)
                      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/odoo/osv/expression.py", line 599, in domain_combine_anies
    domain_any = _anyfy_leaves(domain, model)
                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^
`

const framesDomainField = framesAnyfy + `  File "/usr/lib/python3/dist-packages/odoo/osv/expression.py", line 374, in _anyfy_leaves
    raise ValueError(f"Invalid field {model._name}.{path[0]} in leaf {item}")
`

const framesDomainShape = framesAnyfy + `  File "/usr/lib/python3/dist-packages/odoo/osv/expression.py", line 366, in _anyfy_leaves
    left, operator, right = item = tuple(item)
    ^^^^^^^^^^^^^^^^^^^^^
`

const framesDomainOperator = framesWhereCalc + `  File "/usr/lib/python3/dist-packages/odoo/osv/expression.py", line 787, in __init__
    self.parse()
  File "/usr/lib/python3/dist-packages/odoo/osv/expression.py", line 952, in parse
    push(leaf, self.root_model, self.root_alias)
  File "/usr/lib/python3/dist-packages/odoo/osv/expression.py", line 939, in push
    check_leaf(leaf)
  File "/usr/lib/python3/dist-packages/odoo/osv/expression.py", line 739, in check_leaf
    raise ValueError("Invalid leaf %s" % str(element))
`

// methodFrame is the frame of the ORM entry point a domain error passes through.
func methodFrame(method string) string {
	switch method {
	case "search_read":
		return `  File "/usr/lib/python3/dist-packages/odoo/models.py", line 6121, in search_read
    records = self.search_fetch(domain or [], fields, offset=offset, limit=limit, order=order)
              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
`
	case "search_count":
		return `  File "/usr/lib/python3/dist-packages/odoo/models.py", line 1700, in search_count
    query = self._search(domain, limit=limit)
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
`
	}
	return `  File "/usr/lib/python3/dist-packages/odoo/models.py", line 1749, in search
    return self.search_fetch(domain, [], offset=offset, limit=limit, order=order)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
`
}

const framesUpdateCacheKey = `  File "/usr/lib/python3/dist-packages/odoo/models.py", line 6406, in _update_cache
    field_values = [(fields[name], value) for name, value in values.items() if name != 'id']
                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/odoo/models.py", line 6406, in <listcomp>
    field_values = [(fields[name], value) for name, value in values.items() if name != 'id']
                     ~~~~~~^^^^^^
`

const framesCreate = `  File "<decorator-gen-0>", line 2, in create
  File "/usr/lib/python3/dist-packages/odoo/api.py", line 498, in _model_create_multi
    return create(self, arg)
           ^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/odoo/models.py", line 4965, in create
    new_vals_list = self._prepare_create_values(vals_list)
                    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/odoo/models.py", line 5122, in _prepare_create_values
    self._add_precomputed_values(result_vals_list)
  File "/usr/lib/python3/dist-packages/odoo/models.py", line 5150, in _add_precomputed_values
    records = self.browse().concat(*(self.new(vals) for vals in vals_list_todo))
              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/odoo/models.py", line 5150, in <genexpr>
    records = self.browse().concat(*(self.new(vals) for vals in vals_list_todo))
                                     ^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/odoo/models.py", line 6858, in new
    record._update_cache(values, validate=False)
  File "/usr/lib/python3/dist-packages/odoo/models.py", line 6408, in _update_cache
    raise ValueError("Invalid field %r on model %r" % (e.args[0], self._name))
`

const framesWrite = `  File "/usr/lib/python3/dist-packages/odoo/models.py", line 4610, in write
    field = self._fields.get(fname) or self._raise_invalid_field(fname)
`

const framesRead = `  File "/usr/lib/python3/dist-packages/odoo/models.py", line 3780, in read
    fields = self.check_field_access_rights('read', fields)
             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/odoo/models.py", line 3718, in check_field_access_rights
    raise ValueError(_("Invalid field %(field)r on model %(model)r", field=fname, model=self._name))
`

const framesDecoratorLocked = `  File "/usr/lib/python3/dist-packages/decorator.py", line 232, in fun
    return caller(func, *(extras + args), **kw)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/odoo/tools/func.py", line 97, in locked
    return func(inst, *args, **kwargs)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^
`

const framesBadDB = `  File "/usr/lib/python3/dist-packages/odoo/modules/registry.py", line 106, in __new__
    return cls.registries[db_name]
           ~~~~~~~~~~~~~~^^^^^^^^^
` + framesDecoratorLocked + `  File "/usr/lib/python3/dist-packages/odoo/tools/lru.py", line 33, in __getitem__
    a = self.d[obj]
        ~~~~~~^^^^^
`

const framesBadDBConnect = `  File "/usr/lib/python3/dist-packages/odoo/modules/registry.py", line 108, in __new__
    return cls.new(db_name)
           ^^^^^^^^^^^^^^^^
` + framesDecoratorLocked + `  File "/usr/lib/python3/dist-packages/odoo/modules/registry.py", line 116, in new
    registry.init(db_name)
  File "/usr/lib/python3/dist-packages/odoo/modules/registry.py", line 209, in init
    with closing(self.cursor()) as cr:
                 ^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/odoo/modules/registry.py", line 1013, in cursor
    return self._db.cursor()
           ^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/odoo/sql_db.py", line 799, in cursor
    return Cursor(self.__pool, self.__dbname, self.__dsn)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/odoo/sql_db.py", line 288, in __init__
    self._cnx = pool.borrow(dsn)
                ^^^^^^^^^^^^^^^^
` + framesDecoratorLocked + `  File "/usr/lib/python3/dist-packages/odoo/sql_db.py", line 726, in borrow
    result = psycopg2.connect(
             ^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/psycopg2/__init__.py", line 122, in connect
    conn = _connect(dsn, connection_factory=connection_factory, **kwasync)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
`

// framesAuthenticate is the common service's path into the registry.
const framesAuthenticate = framesDispatch + `  File "/usr/lib/python3/dist-packages/odoo/service/common.py", line 58, in dispatch
    return g[exp_method_name](*params)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/odoo/service/common.py", line 26, in exp_authenticate
    res_users = Registry(db)['res.users']
                ^^^^^^^^^^^^
`

// framesPartnerCreate is res.partner's create override chain (account,
// base, mail) in front of BaseModel.create.
const framesPartnerCreate = `  File "<decorator-gen-101>", line 2, in create
  File "/usr/lib/python3/dist-packages/odoo/api.py", line 497, in _model_create_multi
    return create(self, [arg])
           ^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/odoo/addons/account/models/partner.py", line 824, in create
    return super().create(vals_list)
           ^^^^^^^^^^^^^^^^^^^^^^^^^
  File "<decorator-gen-23>", line 2, in create
  File "/usr/lib/python3/dist-packages/odoo/api.py", line 498, in _model_create_multi
    return create(self, arg)
           ^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/odoo/addons/base/models/res_partner.py", line 806, in create
    partners = super().create(vals_list)
               ^^^^^^^^^^^^^^^^^^^^^^^^^
  File "<decorator-gen-50>", line 2, in create
  File "/usr/lib/python3/dist-packages/odoo/api.py", line 498, in _model_create_multi
    return create(self, arg)
           ^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/odoo/addons/mail/models/mail_thread.py", line 278, in create
    threads = super(MailThread, self).create(vals_list)
              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
`

// errBadDB is what any service raises for a database that does not exist.
func errBadDB(db, entry string) *pyErr {
	return &pyErr{
		class:  "psycopg2.OperationalError",
		msg:    "connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: FATAL:  database " + `"` + db + `"` + " does not exist\n",
		frames: entry + framesBadDBConnect,
		cause:  &pyErr{class: "KeyError", msg: pyRepr(db), frames: framesBadDB},
	}
}
