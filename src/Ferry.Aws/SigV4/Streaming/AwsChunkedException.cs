namespace Ferry.Aws.SigV4.Streaming;

/// <summary>
/// A chunk-signed body that is malformed or whose chunk or trailer signature does not verify. An
/// <see cref="IOException"/>, so an HTTP client sending the body aborts the request instead of completing it.
/// The message names the chunk and what is wrong, never a signature.
/// </summary>
public sealed class AwsChunkedException : IOException
{
    public AwsChunkedException(string message)
        : base(message)
    {
    }

    /// <summary>The first <see cref="AwsChunkedException"/> in an exception's chain (an HTTP client wraps what the body stream threw).</summary>
    public static AwsChunkedException? Find(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is AwsChunkedException chunked)
            {
                return chunked;
            }
        }

        return null;
    }
}
