namespace Aigis.Store;

/// <summary>One step of the schema, applied once, in order, and recorded in <c>schema_migrations</c>.</summary>
/// <param name="Version">Strictly increasing from 1; never renumbered or edited once released: add a new one.</param>
internal sealed record Migration(int Version, string Name, string Sql);
