namespace Aigis.Deployers.Docker;

/// <summary>The Docker engine did not answer at start: aigis says where it looked and why it failed, and exits.</summary>
internal sealed class DockerEngineUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
