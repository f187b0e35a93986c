namespace Aigis.Core.Placement;

/// <summary>
/// Whether a replica fits a node, or the first constraint that stops it, checked in this order (so a reason
/// names the most fundamental mismatch: a wrong GPU model before a full one).
/// </summary>
internal enum FitStatus
{
    Fits,
    NodeDown,
    GpuModel,
    Cpu,
    Memory,
    Gpu,
    Spread,
}
