-- Lists people can work in (issue 14): the outgoing and incoming lists filter by date, type and drafting unit
-- and sort by date and number on the server, one page at a time; these indexes keep an agency's filtered
-- lists and their totals from reading every document of the agency.
CREATE INDEX outgoing_agency_updated ON outgoing_documents(agency_id, updated_at);
CREATE INDEX outgoing_agency_unit ON outgoing_documents(agency_id, unit_id, updated_at);
CREATE INDEX outgoing_agency_number ON outgoing_documents(agency_id, year, number);
CREATE INDEX incoming_agency_received ON incoming_documents(agency_id, received_at);
CREATE INDEX incoming_agency_type ON incoming_documents(agency_id, doc_type, received_at);
CREATE INDEX incoming_agency_number ON incoming_documents(agency_id, arrival_year, arrival_number);
