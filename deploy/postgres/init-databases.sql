-- One database per service, each owned by its own role (docker-compose runs this once, on an
-- empty data volume). Passwords here are for the compose demo only; production sets real ones.
CREATE ROLE deliverables LOGIN PASSWORD 'deliverables';
CREATE ROLE directory LOGIN PASSWORD 'directory';
CREATE ROLE notifications LOGIN PASSWORD 'notifications';
CREATE ROLE gateway LOGIN PASSWORD 'gateway';

CREATE DATABASE deliverables OWNER deliverables;
CREATE DATABASE directory OWNER directory;
CREATE DATABASE notifications OWNER notifications;
CREATE DATABASE gateway OWNER gateway;
