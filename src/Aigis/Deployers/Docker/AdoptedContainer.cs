namespace Aigis.Deployers.Docker;

/// <summary>A container a previous aigis started for a replica slot, found by its labels and taken over as it is.</summary>
/// <param name="Id">The engine's container id.</param>
/// <param name="Port">The loopback port its server listens on (its <c>aigis.dev/port</c> label).</param>
/// <param name="Running">Whether it runs now; a stopped one is started again.</param>
internal sealed record AdoptedContainer(string Id, int Port, bool Running);
