namespace Ferry.Core.Resources;

/// <summary>What every resource record shares, so codecs, storage and <c>tctl</c> can handle them uniformly.</summary>
public interface IResource
{
    /// <summary>The <c>kind:</c> value (a <see cref="ResourceKinds"/> constant).</summary>
    string ResourceKind { get; }
    string Version { get; }
    ResourceMetadata Metadata { get; }
}
