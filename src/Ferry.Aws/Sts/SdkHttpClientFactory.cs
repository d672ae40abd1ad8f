namespace Ferry.Aws.Sts;

/// <summary>Hands the AWS SDK clients over one shared handler (AWS_CA_BUNDLE, proxy); the handler's owner disposes it.</summary>
internal sealed class SdkHttpClientFactory(HttpMessageHandler handler) : Amazon.Runtime.HttpClientFactory
{
    public override HttpClient CreateHttpClient(Amazon.Runtime.IClientConfig clientConfig) => new(handler, disposeHandler: false);

    public override bool UseSDKHttpClientCaching(Amazon.Runtime.IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(Amazon.Runtime.IClientConfig clientConfig) => false;
}
