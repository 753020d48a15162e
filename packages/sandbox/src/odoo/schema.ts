/**
 * The subset of Odoo 17's PostgreSQL schema that the ERP connector reads: the same table names,
 * column names and types as a real Odoo 17 database (translated fields are jsonb keyed by language,
 * money is numeric, `date_order` is a timestamp, invoice dates are dates). Columns Odoo computes
 * without storing (`company_type`, `credit_limit`, payment terms) are absent here as in Odoo.
 */
export const ODOO_SCHEMA_SQL = `
CREATE TABLE res_country (
  id serial PRIMARY KEY,
  code varchar(2) NOT NULL UNIQUE,
  name jsonb NOT NULL
);

CREATE TABLE res_currency (
  id serial PRIMARY KEY,
  name varchar NOT NULL UNIQUE,
  symbol varchar NOT NULL,
  rounding numeric NOT NULL DEFAULT 0.01,
  active boolean NOT NULL DEFAULT true
);

CREATE TABLE res_partner (
  id serial PRIMARY KEY,
  name varchar,
  complete_name varchar,
  parent_id integer REFERENCES res_partner(id) ON DELETE SET NULL,
  commercial_partner_id integer REFERENCES res_partner(id) ON DELETE SET NULL,
  is_company boolean DEFAULT false,
  type varchar DEFAULT 'contact',
  ref varchar,
  vat varchar,
  email varchar,
  email_normalized varchar,
  phone varchar,
  mobile varchar,
  website varchar,
  function varchar,
  street varchar,
  city varchar,
  zip varchar,
  country_id integer REFERENCES res_country(id) ON DELETE RESTRICT,
  customer_rank integer DEFAULT 0,
  supplier_rank integer DEFAULT 0,
  active boolean DEFAULT true,
  create_date timestamp without time zone,
  write_date timestamp without time zone
);
CREATE INDEX res_partner_commercial_partner_id_index ON res_partner (commercial_partner_id);
CREATE INDEX res_partner_email_normalized_index ON res_partner (email_normalized);
CREATE INDEX res_partner_parent_id_index ON res_partner (parent_id);

CREATE TABLE res_users (
  id serial PRIMARY KEY,
  login varchar NOT NULL UNIQUE,
  partner_id integer NOT NULL REFERENCES res_partner(id) ON DELETE RESTRICT,
  active boolean DEFAULT true
);

CREATE TABLE res_company (
  id serial PRIMARY KEY,
  name varchar NOT NULL,
  partner_id integer NOT NULL REFERENCES res_partner(id) ON DELETE RESTRICT,
  currency_id integer NOT NULL REFERENCES res_currency(id) ON DELETE RESTRICT
);

CREATE TABLE product_template (
  id serial PRIMARY KEY,
  name jsonb NOT NULL,
  detailed_type varchar NOT NULL DEFAULT 'product',
  type varchar NOT NULL DEFAULT 'product',
  list_price numeric,
  sale_ok boolean DEFAULT true,
  active boolean DEFAULT true,
  create_date timestamp without time zone,
  write_date timestamp without time zone
);

CREATE TABLE product_product (
  id serial PRIMARY KEY,
  product_tmpl_id integer NOT NULL REFERENCES product_template(id) ON DELETE CASCADE,
  default_code varchar,
  barcode varchar,
  active boolean DEFAULT true
);
CREATE INDEX product_product_default_code_index ON product_product (default_code);

CREATE TABLE stock_location (
  id serial PRIMARY KEY,
  name varchar NOT NULL,
  complete_name varchar,
  usage varchar NOT NULL,
  active boolean DEFAULT true
);

CREATE TABLE stock_quant (
  id serial PRIMARY KEY,
  product_id integer NOT NULL REFERENCES product_product(id) ON DELETE RESTRICT,
  location_id integer NOT NULL REFERENCES stock_location(id) ON DELETE RESTRICT,
  quantity numeric NOT NULL DEFAULT 0,
  reserved_quantity numeric NOT NULL DEFAULT 0
);
CREATE INDEX stock_quant_product_location_index ON stock_quant (product_id, location_id);

CREATE TABLE sale_order (
  id serial PRIMARY KEY,
  name varchar NOT NULL,
  partner_id integer NOT NULL REFERENCES res_partner(id) ON DELETE RESTRICT,
  partner_invoice_id integer NOT NULL REFERENCES res_partner(id) ON DELETE RESTRICT,
  partner_shipping_id integer NOT NULL REFERENCES res_partner(id) ON DELETE RESTRICT,
  state varchar NOT NULL DEFAULT 'draft',
  date_order timestamp without time zone NOT NULL,
  validity_date date,
  amount_untaxed numeric,
  amount_tax numeric,
  amount_total numeric,
  invoice_status varchar,
  currency_id integer REFERENCES res_currency(id) ON DELETE RESTRICT,
  user_id integer REFERENCES res_users(id) ON DELETE SET NULL,
  client_order_ref varchar,
  company_id integer NOT NULL REFERENCES res_company(id) ON DELETE RESTRICT,
  create_date timestamp without time zone,
  write_date timestamp without time zone
);
CREATE INDEX sale_order_partner_id_index ON sale_order (partner_id);
CREATE INDEX sale_order_date_order_id_idx ON sale_order (date_order DESC, id DESC);

CREATE TABLE sale_order_line (
  id serial PRIMARY KEY,
  order_id integer NOT NULL REFERENCES sale_order(id) ON DELETE CASCADE,
  sequence integer DEFAULT 10,
  product_id integer REFERENCES product_product(id) ON DELETE RESTRICT,
  name text NOT NULL,
  product_uom_qty numeric NOT NULL DEFAULT 1,
  price_unit numeric NOT NULL DEFAULT 0,
  discount numeric DEFAULT 0,
  price_subtotal numeric,
  price_tax double precision,
  price_total numeric,
  qty_delivered numeric DEFAULT 0,
  qty_invoiced numeric DEFAULT 0,
  display_type varchar,
  currency_id integer REFERENCES res_currency(id) ON DELETE RESTRICT
);
CREATE INDEX sale_order_line_order_id_index ON sale_order_line (order_id);

CREATE TABLE account_move (
  id serial PRIMARY KEY,
  name varchar,
  ref varchar,
  move_type varchar NOT NULL,
  state varchar NOT NULL DEFAULT 'draft',
  partner_id integer REFERENCES res_partner(id) ON DELETE RESTRICT,
  commercial_partner_id integer REFERENCES res_partner(id) ON DELETE RESTRICT,
  invoice_date date,
  invoice_date_due date,
  amount_untaxed numeric,
  amount_tax numeric,
  amount_total numeric,
  amount_residual numeric,
  payment_state varchar,
  currency_id integer NOT NULL REFERENCES res_currency(id) ON DELETE RESTRICT,
  invoice_origin varchar,
  reversed_entry_id integer REFERENCES account_move(id) ON DELETE SET NULL,
  company_id integer NOT NULL REFERENCES res_company(id) ON DELETE RESTRICT,
  create_date timestamp without time zone,
  write_date timestamp without time zone
);
CREATE INDEX account_move_commercial_partner_id_index ON account_move (commercial_partner_id);
CREATE INDEX account_move_invoice_date_due_index ON account_move (invoice_date_due);
`;

/** Tables in dependency order, for loading and for truncating. */
export const ODOO_TABLES = [
  'res_country',
  'res_currency',
  'res_partner',
  'res_users',
  'res_company',
  'product_template',
  'product_product',
  'stock_location',
  'stock_quant',
  'sale_order',
  'sale_order_line',
  'account_move',
] as const;
