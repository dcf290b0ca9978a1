/** Times are integer milliseconds since the epoch (UTC) everywhere. */
type Ms = number;

/** One incident (migration 0015); its sessions point at it through sessions.incident_id. */
export interface IncidentsTable {
  id: string;
  title: string;
  /** The force's CAD reference, trimmed and checked printable (protocol IncidentReference). */
  cad_reference: string | null;
  created_by: string;
  created_at: Ms;
  closed_at: Ms | null;
}

export interface IncidentTables {
  incidents: IncidentsTable;
}
