namespace Aigis.Core.Placement;

/// <summary>
/// A request prepared once per decision, so checking it against a thousand nodes looks nothing up by name: its
/// service interned, and its allowed GPU models as a bit per model of the inventory.
/// </summary>
internal readonly record struct PlacementQuery(ReplicaRequest Request, int ServiceId, ulong AcceptedModels = ulong.MaxValue);
