namespace Aigis.Core.Placement;

/// <summary>A placement decision as a value: where the replica went, or why it could not go anywhere.</summary>
internal readonly record struct PlacementResult(PlacementAllocation Allocation, PlacementFailure? Failure)
{
    public bool IsPlaced => Failure is null;

    public static PlacementResult Placed(PlacementAllocation allocation) => new(allocation, null);

    public static PlacementResult Unplaceable(PlacementFailure failure) => new(default, failure);
}
