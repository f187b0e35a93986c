namespace Aigis.Core.Placement;

/// <summary>A request prepared once per decision (its service interned), so checking it against a thousand nodes looks nothing up by name.</summary>
internal readonly record struct PlacementQuery(ReplicaRequest Request, int ServiceId);
