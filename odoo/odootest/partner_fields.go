package odootest

// partnerFieldTable lists res.partner's fields in Odoo 18's order (base, mail,
// contacts, account, sale, purchase, crm, project, hr, stock installed): name, type,
// comodel ("-" for none) and label.
const partnerFieldTable = `
message_is_follower	boolean	-	Is Follower
message_follower_ids	one2many	mail.followers	Followers
message_partner_ids	many2many	res.partner	Followers (Partners)
message_ids	one2many	mail.message	Messages
has_message	boolean	-	Has Message
message_needaction	boolean	-	Action Needed
message_needaction_counter	integer	-	Number of Actions
message_has_error	boolean	-	Message Delivery error
message_has_error_counter	integer	-	Number of errors
message_attachment_count	integer	-	Attachment Count
rating_ids	one2many	rating.rating	Ratings
website_message_ids	one2many	mail.message	Website Messages
message_has_sms_error	boolean	-	SMS Delivery error
email_normalized	char	-	Normalized Email
is_blacklisted	boolean	-	Blacklist
message_bounce	integer	-	Bounce
activity_ids	one2many	mail.activity	Activities
activity_state	selection	-	Activity State
activity_user_id	many2one	res.users	Responsible User
activity_type_id	many2one	mail.activity.type	Next Activity Type
activity_type_icon	char	-	Activity Type Icon
activity_date_deadline	date	-	Next Activity Deadline
my_activity_date_deadline	date	-	My Activity Deadline
activity_summary	char	-	Next Activity Summary
activity_exception_decoration	selection	-	Activity Exception Decoration
activity_exception_icon	char	-	Icon
activity_calendar_event_id	many2one	calendar.event	Next Activity Calendar Event
image_1920	binary	-	Image
image_1024	binary	-	Image 1024
image_512	binary	-	Image 512
image_256	binary	-	Image 256
image_128	binary	-	Image 128
avatar_1920	binary	-	Avatar
avatar_1024	binary	-	Avatar 1024
avatar_512	binary	-	Avatar 512
avatar_256	binary	-	Avatar 256
avatar_128	binary	-	Avatar 128
name	char	-	Name
complete_name	char	-	Complete Name
title	many2one	res.partner.title	Title
parent_id	many2one	res.partner	Related Company
parent_name	char	-	Parent name
child_ids	one2many	res.partner	Contact
ref	char	-	Reference
lang	selection	-	Language
active_lang_count	integer	-	Active Lang Count
tz	selection	-	Timezone
tz_offset	char	-	Timezone offset
user_id	many2one	res.users	Salesperson
vat	char	-	Tax ID
vat_label	char	-	Tax ID Label
same_vat_partner_id	many2one	res.partner	Partner with same Tax ID
same_company_registry_partner_id	many2one	res.partner	Partner with same Company Registry
company_registry	char	-	Company ID
company_registry_label	char	-	Company ID Label
bank_ids	one2many	res.partner.bank	Banks
website	char	-	Website Link
comment	html	-	Notes
category_id	many2many	res.partner.category	Tags
active	boolean	-	Active
employee	boolean	-	Employee
function	char	-	Job Position
type	selection	-	Address Type
street	char	-	Street
street2	char	-	Street2
zip	char	-	Zip
city	char	-	City
state_id	many2one	res.country.state	State
country_id	many2one	res.country	Country
country_code	char	-	Country Code
partner_latitude	float	-	Geo Latitude
partner_longitude	float	-	Geo Longitude
email	char	-	Email
email_formatted	char	-	Formatted Email
phone	char	-	Phone
mobile	char	-	Mobile
is_company	boolean	-	Is a Company
is_public	boolean	-	Is Public
industry_id	many2one	res.partner.industry	Industry
company_type	selection	-	Company Type
company_id	many2one	res.company	Company
color	integer	-	Color Index
user_ids	one2many	res.users	Users
partner_share	boolean	-	Share Partner
contact_address	char	-	Complete Address
commercial_partner_id	many2one	res.partner	Commercial Entity
commercial_company_name	char	-	Company Name Entity
company_name	char	-	Company Name
barcode	char	-	Barcode
self	many2one	res.partner	Self
id	integer	-	ID
display_name	char	-	Display Name
create_uid	many2one	res.users	Created by
create_date	datetime	-	Created on
write_uid	many2one	res.users	Last Updated by
write_date	datetime	-	Last Updated on
im_status	char	-	IM Status
channel_ids	many2many	discuss.channel	Channels
contact_address_inline	char	-	Inlined Complete Address
starred_message_ids	many2many	mail.message	Starred Message
signup_type	char	-	Signup Token Type
meeting_count	integer	-	# Meetings
meeting_ids	many2many	calendar.event	Meetings
calendar_last_notif_ack	datetime	-	Last notification marked as read from base Calendar
property_product_pricelist	many2one	product.pricelist	Pricelist
specific_property_product_pricelist	many2one	product.pricelist	Specific Property Product Pricelist
partner_gid	integer	-	Company database ID
additional_info	char	-	Additional info
phone_sanitized	char	-	Sanitized Number
phone_sanitized_blacklisted	boolean	-	Phone Blacklisted
phone_blacklisted	boolean	-	Blacklisted Phone is Phone
mobile_blacklisted	boolean	-	Blacklisted Phone Is Mobile
phone_mobile_search	char	-	Phone/Mobile
payment_token_ids	one2many	payment.token	Payment Tokens
payment_token_count	integer	-	Payment Token Count
fiscal_country_codes	char	-	Fiscal Country Codes
partner_vat_placeholder	char	-	Partner Vat Placeholder
partner_company_registry_placeholder	char	-	Partner Company Registry Placeholder
duplicate_bank_partner_ids	many2many	res.partner	Duplicate Bank Partner
credit	monetary	-	Total Receivable
credit_to_invoice	monetary	-	Credit To Invoice
credit_limit	float	-	Credit Limit
use_partner_credit_limit	boolean	-	Partner Limit
show_credit_limit	boolean	-	Show Credit Limit
days_sales_outstanding	float	-	Days Sales Outstanding (DSO)
debit	monetary	-	Total Payable
debit_limit	monetary	-	Payable Limit
total_invoiced	monetary	-	Total Invoiced
currency_id	many2one	res.currency	Currency
journal_item_count	integer	-	Journal Items
property_account_payable_id	many2one	account.account	Account Payable
property_account_receivable_id	many2one	account.account	Account Receivable
property_account_position_id	many2one	account.fiscal.position	Fiscal Position
property_payment_term_id	many2one	account.payment.term	Customer Payment Terms
property_supplier_payment_term_id	many2one	account.payment.term	Vendor Payment Terms
ref_company_ids	one2many	res.company	Companies that refers to partner
supplier_invoice_count	integer	-	# Vendor Bills
invoice_ids	one2many	account.move	Invoices
contract_ids	one2many	account.analytic.account	Partner Contracts
bank_account_count	integer	-	Bank
trust	selection	-	Degree of trust you have in this debtor
ignore_abnormal_invoice_date	boolean	-	Ignore Abnormal Invoice Date
ignore_abnormal_invoice_amount	boolean	-	Ignore Abnormal Invoice Amount
invoice_warn	selection	-	Invoice
invoice_warn_msg	text	-	Message for Invoice
invoice_sending_method	selection	-	Invoice sending
invoice_edi_format	selection	-	eInvoice format
invoice_edi_format_store	char	-	Invoice Edi Format Store
display_invoice_edi_format	boolean	-	Display Invoice Edi Format
invoice_template_pdf_report_id	many2one	ir.actions.report	Invoice template
display_invoice_template_pdf_report_id	boolean	-	Display Invoice Template Pdf Report
supplier_rank	integer	-	Supplier Rank
customer_rank	integer	-	Customer Rank
autopost_bills	selection	-	Auto-post bills	req
duplicated_bank_account_partners_count	integer	-	Duplicated Bank Account Partners Count
is_coa_installed	boolean	-	Is Coa Installed
property_outbound_payment_method_line_id	many2one	account.payment.method.line	Property Outbound Payment Method Line
property_inbound_payment_method_line_id	many2one	account.payment.method.line	Property Inbound Payment Method Line
opportunity_ids	one2many	crm.lead	Opportunities
opportunity_count	integer	-	Opportunity Count
employee_ids	one2many	hr.employee	Employees
employees_count	integer	-	Employees Count
project_ids	one2many	project.project	Projects
task_ids	one2many	project.task	Tasks
task_count	integer	-	# Tasks
property_stock_customer	many2one	stock.location	Customer Location
property_stock_supplier	many2one	stock.location	Vendor Location
picking_warn	selection	-	Stock Picking
picking_warn_msg	text	-	Message for Stock Picking
is_ubl_format	boolean	-	Is Ubl Format
is_peppol_edi_format	boolean	-	Is Peppol Edi Format
peppol_endpoint	char	-	Peppol Endpoint
peppol_eas	selection	-	Peppol e-address (EAS)
available_peppol_eas	json	-	Available Peppol Eas
property_purchase_currency_id	many2one	res.currency	Supplier Currency
purchase_order_count	integer	-	Purchase Order Count
purchase_warn	selection	-	Purchase Order Warning
purchase_warn_msg	text	-	Message for Purchase Order
receipt_reminder_email	boolean	-	Receipt Reminder
reminder_date_before_receipt	integer	-	Days Before Receipt
buyer_id	many2one	res.users	Buyer
purchase_line_ids	one2many	purchase.order.line	Purchase Lines
on_time_rate	float	-	On-Time Delivery Rate
sale_order_count	integer	-	Sale Order Count
sale_order_ids	one2many	sale.order	Sales Order
sale_warn	selection	-	Sales Warnings
sale_warn_msg	text	-	Message for Sales Order
`
