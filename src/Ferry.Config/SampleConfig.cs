namespace Ferry.Config;

/// <summary>
/// The commented teleport.yaml that <c>teleport configure</c> prints: a single-machine cluster (auth + proxy) with the
/// app service ready for the DynamoDB guide. Tests parse it, so it cannot drift from the parser.
/// </summary>
public static class SampleConfig
{
    public const string Text = """
        # Ferry configuration (teleport.yaml, version v3).
        # Every key is described in docs/config-reference.md. Values here are the defaults unless noted.
        # Precedence: defaults < this file < environment variables < command-line flags.
        version: v3
        teleport:
          # Name of this machine in the cluster (default: the host name).
          # nodename: ferry-1
          # Where keys, certificates and the SQLite database live.
          data_dir: /var/lib/teleport
          log:
            output: stderr          # stderr, stdout or an absolute file path
            severity: INFO          # DEBUG, INFO, WARN or ERROR
            format:
              output: text          # text or json
          # Agents on other machines join with a token from `tctl tokens add --type=app`:
          # join_params:
          #   token_name: /tmp/token   # the token itself, or a file holding it
          #   method: token
          # proxy_server: teleport.example.com:443
          storage:
            type: sqlite            # sqlite (one machine) or postgresql
            # path: /var/lib/teleport/backend/sqlite.db
            # conn_string: postgresql://user@db.example.com:5432/teleport_backend?sslmode=verify-full
            # audit_events_uri: ['postgresql://user@db.example.com:5432/teleport_audit?sslmode=verify-full']   # default: <data_dir>/log/audit.db

        auth_service:
          enabled: yes
          listen_addr: 0.0.0.0:3025
          # The cluster's name; it cannot be changed later (default: nodename).
          cluster_name: teleport.example.com
          authentication:
            type: local
            second_factor: otp      # otp (authenticator apps) or off

        proxy_service:
          enabled: yes
          web_listen_addr: 0.0.0.0:3080
          # The address users and agents reach the proxy at; apps are served at <app>.<host>.
          public_addr: teleport.example.com:443
          # TLS certificate for public_addr and *.public_addr (a self-signed one is made when absent):
          # https_keypairs:
          # - key_file: /etc/ferry/privkey.pem
          #   cert_file: /etc/ferry/fullchain.pem

        app_service:
          enabled: yes
          apps:
          - name: aws-dynamodb
            description: AWS console and API (DynamoDB)
            uri: https://console.aws.amazon.com/dynamodbv2/home
            labels:
              env: dev
            # Only offer IAM roles of this account:
            #   aws_account_id: "123456789012"
            # aws:
            #   external_id: example-external-id

        ssh_service:
          enabled: no               # Ferry provides application access only
        """;
}
